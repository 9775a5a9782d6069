// Behaviour every page shares; one small module per behaviour lives beside it.

// The service worker makes Popwatch installable and its pages open offline. It is
// served from the root (/sw.js, not /static/) so that its scope is the whole site.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // Without it the site still works, only not offline.
    });
  });
}
