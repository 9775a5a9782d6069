"""Pages: people."""

def person_new(request, **kwargs):
    raise NotImplementedError("logs/views/people.py.person_new: being built")

def person_edit(request, **kwargs):
    raise NotImplementedError("logs/views/people.py.person_edit: being built")

def person_delete(request, **kwargs):
    raise NotImplementedError("logs/views/people.py.person_delete: being built")

