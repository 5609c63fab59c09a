// helpbook preview: reloads the page after each rebuild that changed it and shows the content's problems over
// it until they are fixed. Injected by `helpbook preview` only.
(() => {
  const tag = document.currentScript;
  let generation = tag ? Number(tag.dataset.generation) : NaN;
  let overlay = null;

  const show = (problems) => {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'helpbook-problems';
      overlay.setAttribute('role', 'alert');
      const s = overlay.style;
      s.position = 'fixed';
      s.inset = '0';
      s.zIndex = '2147483647';
      s.overflow = 'auto';
      s.margin = '0';
      s.padding = '2rem';
      s.background = 'rgba(24, 24, 27, 0.96)';
      s.color = '#fecaca';
      s.font = '14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
      s.whiteSpace = 'pre-wrap';
      document.body.appendChild(overlay);
    }
    // `problems` is HTML the preview made from its diagnostics, every value escaped.
    const intro = document.createElement('div');
    intro.textContent =
      'helpbook preview: this save has problems. The page shows the last good version; ' +
      'fix the file and this goes away by itself.\n\n';
    const list = document.createElement('div');
    list.innerHTML = problems;
    overlay.replaceChildren(intro, list);
  };

  const hide = () => {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  };

  const events = new EventSource('/__helpbook/events');
  events.onmessage = (message) => {
    const status = JSON.parse(message.data);
    if (status.problems) {
      show(status.problems);
      return;
    }
    hide();
    if (Number.isNaN(generation) || status.generation === generation) {
      generation = status.generation;
      return;
    }
    // After an update of a few pages, only the tabs showing one of them reload (when this
    // page missed a generation in between, it reloads to be sure).
    const path = decodeURIComponent(location.pathname);
    const others = status.pages && status.generation === generation + 1 && !status.pages.includes(path);
    if (others) {
      generation = status.generation;
      return;
    }
    events.close();
    location.reload();
  };
})();
