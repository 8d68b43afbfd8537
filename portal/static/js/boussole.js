/* Boussole: small enhancements only; every form and link works without this file.
   1. search box autocomplete (ARIA 1.2 combobox + listbox pattern),
   2. "près de moi" with the browser's geolocation, when the person allows it,
   3. "rechercher dans cette zone": the map viewport becomes the bbox of the URL,
   4. on a phone, the filters start folded so that the results come first on screen,
   5. an import's page follows its progress (without this file, a link updates the page). */
(function () {
  'use strict';

  var TYPE_LABELS = { discipline: 'discipline', commune: 'commune', title: 'fiche' };

  function detailPath(value) {
    var parts = String(value).split('-');
    var base = { venue: '/lieux/', activity: '/activites/', resource: '/ressources/' }[parts[0]];
    return base ? base + parts[1] : null;
  }

  function combobox(input) {
    var listbox = document.getElementById(input.getAttribute('aria-controls'));
    var endpoint = input.getAttribute('data-autocomplete');
    var status = document.getElementById(input.id + '-status');
    var items = [], active = -1, timer = null, seq = 0;

    function close() {
      listbox.hidden = true; listbox.innerHTML = ''; items = []; active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(listbox.children, function (li, i) {
        li.setAttribute('aria-selected', i === index ? 'true' : 'false');
      });
      if (index >= 0) input.setAttribute('aria-activedescendant', listbox.children[index].id);
      else input.removeAttribute('aria-activedescendant');
    }
    function choose(item) {
      if (item.type === 'title' && detailPath(item.value)) { window.location.href = detailPath(item.value); return; }
      if (item.type === 'commune' && input.form.elements.ou) {
        input.form.elements.ou.value = item.label; input.value = '';
      } else { input.value = item.label; }
      close();
      input.form.submit();
    }
    function render(list) {
      listbox.innerHTML = ''; items = list; active = -1;
      list.forEach(function (item, i) {
        var li = document.createElement('li');
        li.id = input.id + '-option-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = item.label;
        var kind = document.createElement('span');
        kind.className = 'kind'; kind.textContent = '(' + (TYPE_LABELS[item.type] || item.type) + ')';
        li.appendChild(kind);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(item); });
        listbox.appendChild(li);
      });
      listbox.hidden = list.length === 0;
      input.setAttribute('aria-expanded', list.length ? 'true' : 'false');
      if (status) status.textContent = list.length ? list.length + ' suggestion(s)' : '';
    }
    function fetchSuggestions() {
      var prefix = input.value.trim();
      if (prefix.length < 2) { close(); return; }
      var mine = ++seq;
      fetch(endpoint + '?q=' + encodeURIComponent(prefix), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) {
          if (mine !== seq) return;
          var list = Array.isArray(data) ? data : (data.suggestions || data.results || []);
          render(list.slice(0, 8));
        })
        .catch(close);
    }
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
    input.addEventListener('keydown', function (e) {
      if (listbox.hidden) return;
      if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === 'Escape') { close(); }
    });
    input.addEventListener('blur', function () { setTimeout(close, 100); });
  }

  function nearMe(button) {
    if (!('geolocation' in navigator)) return;
    button.hidden = false;
    var form = button.form;
    button.addEventListener('click', function () {
      var status = document.getElementById(button.getAttribute('aria-describedby'));
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(5);
        form.elements.lon.value = pos.coords.longitude.toFixed(5);
        if (form.elements.ou) form.elements.ou.value = '';
        form.submit();
      }, function () {
        if (status) status.textContent = button.getAttribute('data-denied');
        if (form.elements.ou) form.elements.ou.focus();
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  function searchInArea(button) {
    var map = window[button.getAttribute('data-map-var')];
    if (!map || !map.getBounds) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var b = map.getBounds();
      var url = new URL(window.location.href);
      url.searchParams.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (v) { return v.toFixed(4); }).join(','));
      ['page', 'lat', 'lon', 'ou', 'radius_km'].forEach(function (k) { url.searchParams.delete(k); });
      window.location.href = url.toString();
    });
  }

  function followRun(box) {
    var labels = JSON.parse(box.getAttribute('data-labels'));
    var bar = box.querySelector('progress');
    var number = new Intl.NumberFormat(document.documentElement.lang || 'fr');
    function show(run) {
      box.querySelector('[data-status]').textContent = labels[run.status] || run.status;
      box.querySelector('[data-done]').textContent = number.format(run.processed_rows);
      if (run.total_rows) {
        box.querySelector('[data-total]').textContent = number.format(run.total_rows);
        box.querySelector('[data-of]').hidden = false;
        bar.max = run.total_rows; bar.value = run.processed_rows;
      }
      if (run.status !== 'queued' && run.status !== 'running') {
        box.querySelector('[data-refresh]').textContent = box.getAttribute('data-finished-link');
        return true;
      }
      return false;
    }
    function poll() {
      fetch(box.getAttribute('data-run-progress'), { headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (run) { if (!run || !show(run)) window.setTimeout(poll, 2000); })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }

  if (window.matchMedia && window.matchMedia('(max-width: 59.99rem)').matches) {
    document.querySelectorAll('details[data-collapse-narrow]').forEach(function (d) { d.open = false; });
  }
  document.querySelectorAll('input[data-autocomplete]').forEach(combobox);
  document.querySelectorAll('button[data-near-me]').forEach(nearMe);
  document.querySelectorAll('button[data-map-var]').forEach(searchInArea);
  document.querySelectorAll('[data-run-progress]').forEach(followRun);
})();
