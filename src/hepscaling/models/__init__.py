"""hepscaling.models"""
