"""hepscaling.scaling"""
