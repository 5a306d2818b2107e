"""hepscaling.jets"""
