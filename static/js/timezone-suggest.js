// Settings: offer this device's time zone when the saved one differs (never changed silently).
const select = document.querySelector('select[name="timezone"]');
const suggestion = document.querySelector("[data-timezone-suggestion]");
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const offered = select && [...select.options].some((option) => option.value === deviceZone);

if (suggestion && offered && select.value !== deviceZone) {
  suggestion.querySelector("[data-timezone-name]").textContent = deviceZone.replaceAll("_", " ");
  suggestion.hidden = false;
  suggestion.querySelector("[data-use-timezone]").addEventListener("click", () => {
    select.value = deviceZone;
    suggestion.hidden = true;
    select.focus();
  });
}
