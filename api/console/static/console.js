// Portineria console: live regions over server-sent events, and confirmations. No build step.
(function () {
  "use strict";

  // <div data-live="URL" data-live-event="NAME">: replaced by each NAME event's HTML.
  function connect(region) {
    var source = new EventSource(region.dataset.live);
    source.addEventListener(region.dataset.liveEvent, function (event) {
      region.innerHTML = event.data;
      region.dataset.updated = String(Date.now());
      var waiting = region.querySelector("[data-waiting]");
      if (waiting) {
        var count = Number(waiting.dataset.waiting);
        document.title = (count ? "(" + count + ") " : "") + "Conversazioni · Portineria";
      }
      if (window.htmx) window.htmx.process(region);
    });
    source.addEventListener("error", function () {
      region.classList.toggle("offline", source.readyState === EventSource.CLOSED);
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // <form data-confirm="Question?">: asks before submitting (inline handlers are not allowed).
  function confirmSubmit(event) {
    var question = event.target.dataset ? event.target.dataset.confirm : null;
    if (question && !window.confirm(question)) event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(connect);
  });
  document.addEventListener("submit", confirmSubmit, true);
})();
