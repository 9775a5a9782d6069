"""Pages: dashboard."""

def person_dashboard(request, **kwargs):
    raise NotImplementedError("logs/views/dashboard.py.person_dashboard: being built")

