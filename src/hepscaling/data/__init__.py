"""hepscaling.data"""
