"""Site-wide pages: home and settings (the installed app's files are in pwa.py)."""

def home(request, **kwargs):
    raise NotImplementedError("tracker/views.py.home: being built")

def settings_page(request, **kwargs):
    raise NotImplementedError("tracker/views.py.settings_page: being built")

def export_everything(request, **kwargs):
    raise NotImplementedError("tracker/views.py.export_everything: being built")

def delete_account(request, **kwargs):
    raise NotImplementedError("tracker/views.py.delete_account: being built")

