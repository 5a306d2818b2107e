"""hepscaling.geometry"""
