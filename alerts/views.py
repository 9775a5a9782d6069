"""Alerts pages: the inbox across every person the user may see, and the status actions."""

def inbox(request, **kwargs):
    raise NotImplementedError("alerts/views.py.inbox: being built")

def change_status(request, **kwargs):
    raise NotImplementedError("alerts/views.py.change_status: being built")

