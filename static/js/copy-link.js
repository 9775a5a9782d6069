// Export page: "Copy the link" copies a new share link; the link's field selects itself when focused,
// so it can be copied by hand where the clipboard is not allowed.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied.";
    } catch {
      field.focus();
      status.textContent = "Selected: copy it with your device's Copy.";
    }
  });
}
