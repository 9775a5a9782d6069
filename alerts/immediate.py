"""Alerts raised inside the write request, so the person logging sees them at once."""


def raise_immediate_alerts(event):
    """Run the single-event emergency/urgent rules for ``event``; returns the alerts raised."""
    from alerts import engine

    return engine.scan_immediate(event)
