"""korean"""
