"""The installed app: /manifest.webmanifest, /sw.js (scope /) and the offline page."""

def manifest(request, **kwargs):
    raise NotImplementedError("tracker/pwa.py.manifest: being built")

def service_worker(request, **kwargs):
    raise NotImplementedError("tracker/pwa.py.service_worker: being built")

def offline(request, **kwargs):
    raise NotImplementedError("tracker/pwa.py.offline: being built")
