// Portineria console: live regions over server-sent events, and confirmations. No build step.
(function () {
  "use strict";

  // A live update changes the page in place: an element the new HTML still has (same tag and
  // same id or data-key) is kept and only its changed attributes and text are written, so the
  // element a person is on (focus, caret, an open <details>) stays where it is. Only what is
  // new is inserted, and only what is gone is removed.
  function keyOf(node) {
    if (node.nodeType !== 1) return null;
    return node.id || node.getAttribute("data-key");
  }

  function sameKind(a, b) {
    return a.nodeType === b.nodeType && a.nodeName === b.nodeName;
  }

  function syncAttributes(old, fresh) {
    var i, name;
    for (i = old.attributes.length - 1; i >= 0; i--) {
      name = old.attributes[i].name;
      // <details open> is the person's choice, not the server's.
      if (!fresh.hasAttribute(name) && !(name === "open" && old.nodeName === "DETAILS")) {
        old.removeAttribute(name);
      }
    }
    for (i = 0; i < fresh.attributes.length; i++) {
      if (old.getAttribute(fresh.attributes[i].name) !== fresh.attributes[i].value) {
        old.setAttribute(fresh.attributes[i].name, fresh.attributes[i].value);
      }
    }
  }

  function morphNode(old, fresh, added) {
    if (old.nodeType !== 1) {
      if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
      return;
    }
    if (old.isEqualNode(fresh)) return;
    syncAttributes(old, fresh);
    // What a person is typing is theirs: a textarea's text is never rewritten by an update.
    if (old.nodeName === "TEXTAREA") return;
    morphChildren(old, fresh, added);
  }

  function morphChildren(parent, freshParent, added) {
    var keyed = {};
    var i, child;
    for (i = 0; i < parent.childNodes.length; i++) {
      child = parent.childNodes[i];
      if (keyOf(child)) keyed[keyOf(child)] = child;
    }
    var cursor = parent.firstChild;
    var fresh = Array.prototype.slice.call(freshParent.childNodes);
    fresh.forEach(function (node) {
      var key = keyOf(node);
      var match = null;
      if (key && keyed[key] && sameKind(keyed[key], node)) {
        match = keyed[key];
      } else if (!key && cursor && !keyOf(cursor) && sameKind(cursor, node)) {
        match = cursor;
      }
      if (match) {
        delete keyed[key];
        if (match !== cursor) parent.insertBefore(match, cursor);
        morphNode(match, node, added);
        cursor = match.nextSibling;
      } else {
        parent.insertBefore(node, cursor);
        if (node.nodeType === 1) added.push(node);
      }
    });
    while (cursor) {
      var next = cursor.nextSibling;
      parent.removeChild(cursor);
      cursor = next;
    }
  }

  function focusWithin(region) {
    var next = region.querySelector("a[href], button, input, select, textarea");
    if (!next) { region.setAttribute("tabindex", "-1"); next = region; }
    next.focus();
  }

  // Changes `region`'s content to `html`; returns the elements that were new.
  function morph(region, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var active = document.activeElement;
    var added = [];
    morphChildren(region, template.content, added);
    // A focused element that the update removed: the region's first control (or the region)
    // rather than the body.
    if (active && active !== document.body && !document.contains(active)) focusWithin(region);
    if (window.htmx) added.forEach(function (node) { window.htmx.process(node); });
    return added;
  }

  // A short summary of what is new, read by screen readers (never the whole region again).
  function announce(added) {
    var status = document.getElementById("announcer");
    if (!status) return;
    var texts = [];
    added.forEach(function (node) {
      if (node.hasAttribute("data-announce")) texts.push(node.getAttribute("data-announce"));
      node.querySelectorAll("[data-announce]").forEach(function (inner) {
        texts.push(inner.getAttribute("data-announce"));
      });
    });
    if (texts.length) status.textContent = texts.join(". ");
  }

  function updateTitle(region) {
    var waiting = region.querySelector("[data-waiting]");
    if (waiting && document.body.dataset.titleBase) {
      var count = Number(waiting.dataset.waiting);
      document.title = (count ? "(" + count + ") " : "") + document.body.dataset.titleBase;
    }
  }

  // <div data-live="URL" data-live-event="NAME">: changed in place by each NAME event's HTML.
  function connect(region) {
    var source = new EventSource(region.dataset.live);
    source.addEventListener(region.dataset.liveEvent, function (event) {
      announce(morph(region, event.data));
      region.dataset.updated = String(Date.now());
      updateTitle(region);
    });
    source.addEventListener("open", function () { region.classList.remove("offline"); });
    source.addEventListener("error", function () {
      region.classList.toggle("offline", source.readyState === EventSource.CLOSED);
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // htmx answers swapped into an element marked data-morph change it in place as well.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.hasAttribute("data-morph") || !event.detail.shouldSwap) return;
    var template = document.createElement("template");
    template.innerHTML = event.detail.serverResponse;
    var fresh = template.content.firstElementChild;
    // A poll that ends (the answer has no hx-trigger any more) is swapped by htmx, which
    // stops the polling only for an element it replaces.
    if (target.hasAttribute("hx-trigger") && fresh && !fresh.hasAttribute("hx-trigger")) return;
    event.detail.shouldSwap = false;
    var added = [];
    if (fresh && keyOf(fresh) === keyOf(target)) {
      var active = document.activeElement;
      morphNode(target, fresh, added);
      // The button used went away (e.g. a need's next step): the row's first one instead.
      if (active && active !== document.body && !document.contains(active)) focusWithin(target);
    } else {
      added = morph(target, event.detail.serverResponse);
    }
    if (window.htmx) added.forEach(function (node) { window.htmx.process(node); });
    announce(added);
    target.dispatchEvent(new CustomEvent("console:morphed", { bubbles: true }));
  });

  // <form data-confirm="Question?">: asks before submitting (inline handlers are not allowed).
  // A button with aria-disabled="true" stays focusable (focus never jumps away after an
  // action) but does nothing.
  function confirmSubmit(event) {
    var submitter = event.submitter;
    var question = event.target.dataset ? event.target.dataset.confirm : null;
    var refused = submitter && submitter.getAttribute("aria-disabled") === "true";
    if (refused || (question && !window.confirm(question))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  function say(text) {
    var status = document.getElementById("announcer");
    if (status && text) status.textContent = text;
  }

  // The server's short summary of an action done in place (HX-Trigger: {"announce": "..."}).
  document.addEventListener("announce", function (event) {
    say(event.detail && event.detail.value !== undefined ? event.detail.value : event.detail);
  });

  // After an action done in place: clear the form that asked for it (data-reset) and an old
  // error; the focus stays on the button or field the person used.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || event.detail.xhr.getResponseHeader("HX-Retarget")) return;
    var error = document.getElementById("action-error");
    if (error) error.textContent = "";
    if (form && form.hasAttribute && form.hasAttribute("data-reset")) form.reset();
  });

  window.portineriaMorph = morph;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(connect);
  });
  document.addEventListener("submit", confirmSubmit, true);
})();
