// The quick log's time: a "when" chip and the exact-time picker are two ways of
// saying one thing, so choosing one clears the other (the server reads an empty
// exact time as the chip's "minutes ago"; without this script that still works).
for (const form of document.querySelectorAll("form[data-quick-log]")) {
  const exact = form.querySelector('input[name="occurred_at"]');
  const chips = form.querySelectorAll('input[name="when"]');
  if (!exact) continue;
  for (const chip of chips) {
    chip.addEventListener("change", () => { exact.value = ""; });
  }
  exact.addEventListener("input", () => {
    if (exact.value) for (const chip of chips) chip.checked = false;
  });
}
