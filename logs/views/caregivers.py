"""Pages: caregivers."""

def caregiver_list(request, **kwargs):
    raise NotImplementedError("logs/views/caregivers.py.caregiver_list: being built")

