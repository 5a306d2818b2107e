"""hepscaling.features"""
