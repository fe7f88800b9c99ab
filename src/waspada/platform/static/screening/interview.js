// Live assessment: each answer is saved through the API and the panel is redrawn from the
// returned assessment. Without JavaScript the "Save answers" button does the same.
(function () {
  const form = document.getElementById("interview");
  if (!form) return;
  const id = form.dataset.screening;
  const lang = form.dataset.lang || "id";
  const panel = document.getElementById("assessment");

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  // weights and points in the page's language, as the server writes them: "0,5" / "0.5", "4"
  const number = new Intl.NumberFormat(document.documentElement.lang || "id",
                                       {maximumFractionDigits: 1, useGrouping: true});

  function redraw(a) {
    const level = document.getElementById("assessment-level");
    level.textContent = a.level_label;
    level.className = "level level-" + a.level;
    document.getElementById("recommendation").textContent = a.recommended_action_label;
    // points and unanswered questions come from the same server computation as the reasons
    document.getElementById("assessment-points").textContent = number.format(a.points);
    document.getElementById("unanswered-count").textContent = a.unanswered.length;
    document.getElementById("unanswered").hidden = a.unanswered.length === 0;
    const list = document.getElementById("reasons");
    list.replaceChildren();
    for (const r of a.reasons) {
      const li = document.createElement("li");
      li.append(text("strong", r.title), " ", text("span", "+" + number.format(r.weight), "tag"),
                document.createElement("br"), text("span", (r.evidence ? r.evidence + " — " : "") + r.source, "muted small"));
      list.append(li);
    }
    if (!a.reasons.length) list.append(text("li", list.dataset.none || "", "muted"));
    // the choice follows the recommendation until the officer picks an action (or the page
    // came back refused with the officer's choice): never overwrite what the officer chose
    const action = document.getElementById("action");
    if (action && !action.dataset.chosen) action.value = a.recommended_action;
    panel.classList.add("updated");
    setTimeout(() => panel.classList.remove("updated"), 400);
  }

  async function save(body) {
    const response = await fetch("/api/v1/screenings/" + id, {
      method: "PATCH", credentials: "same-origin",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({answers: {}, ...body, lang: lang}),
    });
    if (response.ok) redraw((await response.json()).assessment);
  }

  const action = document.getElementById("action");
  if (action) action.addEventListener("change", () => { action.dataset.chosen = "1"; });

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.type === "radio" && input.name.startsWith("q_")) {
      save({answers: {[input.name.slice(2)]: input.value}});
    } else if (input.name === "notes" || input.name === "offer_text") {
      // kept as soon as the officer leaves the box: a refused decision form never loses them
      save({[input.name]: input.value});
    }
  });
})();
