// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // Destructive buttons ask first.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A form submits once: a double click must not send it twice.
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

// Reading position: remember the last heading the reader passed, so "resume" brings them back.
document.addEventListener("DOMContentLoaded", () => {
  const article = document.querySelector("[data-position-url]");
  if (!article || !navigator.sendBeacon) return;
  const headings = Array.from(article.querySelectorAll("h2[id], h3[id]"));
  let current = "";
  let timer = null;
  const send = () => {
    const form = new FormData();
    form.append("csrf_token", article.dataset.csrf);
    form.append("section", current);
    navigator.sendBeacon(article.dataset.positionUrl, form);
  };
  window.addEventListener("scroll", () => {
    const passed = headings.filter((h) => h.getBoundingClientRect().top < window.innerHeight / 3);
    const section = passed.length ? passed[passed.length - 1].id : "";
    if (section && section !== current) {
      current = section;
      clearTimeout(timer);
      timer = setTimeout(send, 1500);
    }
  }, { passive: true });
});

// Quiz attempts: answers are saved in the background as the learner goes; submit asks first.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = form.querySelector(".autosave-status");
  let timer = null;
  const save = () => {
    fetch(form.dataset.autosave, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" },
      credentials: "same-origin" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => { if (status) status.textContent = ok ? "✓" : (body.message || "!"); })
      .catch(() => { if (status) status.textContent = "!"; });
  };
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(save, 400); });
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
  const submit = form.querySelector("[data-confirm-submit]");
  if (submit) {
    submit.addEventListener("click", (event) => {
      if (!window.confirm(submit.dataset.confirmSubmit)) event.preventDefault();
    });
  }
});
