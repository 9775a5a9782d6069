"""Scans a person's recent history with the rules and upserts alerts."""


def scan_immediate(event):
    return []
