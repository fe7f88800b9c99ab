// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // a form is sent once: its submit buttons are disabled while it is being sent (a second
  // click would start a second scan); a button's own name/value is kept in a hidden field
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      const used = event.submitter;
      if (used && used.name) {
        const keep = document.createElement("input");
        keep.type = "hidden";
        keep.name = used.name;
        keep.value = used.value;
        form.appendChild(keep);
      }
      for (const button of form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
      // a download (no page change) must not leave the form dead
      window.setTimeout(() => {
        for (const button of form.querySelectorAll("[aria-busy=true]")) {
          button.disabled = false;
          button.removeAttribute("aria-busy");
        }
      }, 15000);
    });
  }
  // back to a page kept in the browser's cache: its buttons work again
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const button of document.querySelectorAll("[aria-busy=true]")) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  // a job's page: poll its status and move the progress bar; reload when it ends
  const job = document.getElementById("job-status");
  if (job && job.dataset.finished === "no") {
    const bar = document.getElementById("job-progress");
    const count = document.getElementById("job-count");
    const state = document.getElementById("job-state");
    const poll = async () => {
      try {
        const response = await fetch(job.dataset.statusUrl, {headers: {"Accept": "application/json"}});
        if (response.ok) {
          const s = await response.json();
          bar.value = s.percent;
          bar.textContent = s.percent + "%";
          state.textContent = s.status_label;
          count.textContent = s.total > 0 ? s.done + " / " + s.total : s.percent + "%";
          if (s.finished) { window.location.reload(); return; }
        }
      } catch (error) { /* offline for a moment: try again */ }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 500);
  }
});
