"""(rules registered by the helper)"""
