// Optional helpers of the public pages; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy-code")) {
    const target = document.getElementById(button.dataset.copyTarget);
    if (!target || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(target.textContent.trim());
      button.textContent = button.dataset.copied;
    });
  }
  for (const button of document.querySelectorAll("button.print-page")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const field of document.querySelectorAll("textarea[data-limit]")) {
    const counter = document.getElementById(field.dataset.counter);
    if (!counter) continue;
    const limit = Number(field.dataset.limit);
    const template = counter.dataset.template;
    const update = () => {
      // characters as the server counts them: an emoji is one (not two UTF-16 units), and a
      // line break one (the browser sends it as CR LF; the server counts that as one too)
      const used = Array.from(field.value.trim()).length;
      counter.textContent = template.replace("{n}", used).replace("{limit}", limit);
      counter.classList.toggle("over", used > limit);
    };
    field.addEventListener("input", update);
    update();
  }
});
