"""Pages: events."""

def quick_log(request, **kwargs):
    raise NotImplementedError("logs/views/events.py.quick_log: being built")

def timeline(request, **kwargs):
    raise NotImplementedError("logs/views/events.py.timeline: being built")

def event_edit(request, **kwargs):
    raise NotImplementedError("logs/views/events.py.event_edit: being built")

def event_delete(request, **kwargs):
    raise NotImplementedError("logs/views/events.py.event_delete: being built")

