/* koe dashboards: drill-down. Links marked .drill work without JavaScript
 * (they open the list of answers); here they open it in a panel instead, and
 * clicking a word, a category, a cross-tab bar or a point of the answer map
 * does the same.
 * The panel shows server-rendered, escaped HTML parsed inertly. */
(function () {
  'use strict';
  var panel = document.getElementById('drill-panel');

  function withParam(url, name, value) {
    return url + (url.indexOf('?') < 0 ? '?' : '&') + encodeURIComponent(name) + '=' + encodeURIComponent(value);
  }

  function show(url) {
    if (!panel || !window.fetch || !window.DOMParser) {
      window.location.href = url;
      return;
    }
    panel.setAttribute('aria-busy', 'true');
    fetch(withParam(url, 'fragment', '1'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var close = document.createElement('button');
        close.type = 'button';
        close.className = 'drill-close';
        close.textContent = '閉じる';
        close.addEventListener('click', function () { panel.hidden = true; });
        panel.replaceChildren(close);
        var full = document.createElement('a');
        full.href = url;
        full.className = 'drill-full';
        full.textContent = 'このリストを別ページで開く';
        while (doc.body.firstChild) {
          panel.appendChild(document.adoptNode(doc.body.firstChild));
        }
        panel.appendChild(full);
        panel.hidden = false;
        panel.removeAttribute('aria-busy');
        panel.focus();
      })
      .catch(function () { window.location.href = url; });
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a.drill') : null;
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) {
      return;
    }
    e.preventDefault();
    show(a.getAttribute('href'));
  });

  /* Charts are drawn as they scroll into view: each is bound when drawn. */
  function bindChart(el) {
    var chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart || !el.getAttribute('data-drill') || el.getAttribute('data-bound')) {
      return;
    }
    el.setAttribute('data-bound', 'true');
    var base = el.getAttribute('data-drill');
    var by = el.getAttribute('data-drill-by');
    el.style.cursor = 'pointer';
    chart.on('click', function (p) {
      if (!p || typeof p.name !== 'string' || p.name === '' || p.dataType === 'edge') {
        return;
      }
      if (by === 'term') {
        show(withParam(base, 'term', p.name));
      } else if (by === 'code') {
        show(withParam(base, 'code', p.name));
      } else if (by === 'issue') {
        // The answer map: a point is an answer (its name is the answer's
        // id) in the group its series is; the list of the group opens
        // with that answer first.
        var series = (chart.getOption().series || [])[p.seriesIndex];
        if (series && typeof series.id === 'string') {
          show(withParam(withParam(base, 'issue', series.id), 'answer', p.name));
        }
      } else if (by === 'cell' && typeof p.seriesName === 'string') {
        show(withParam(withParam(base, 'code', p.name), 'group', p.seriesName));
      }
    });
  }

  document.addEventListener('koe:drawn', function (e) { bindChart(e.target); });

  function bindCharts() {
    var els = document.querySelectorAll('.chart[data-drill][data-drawn="true"]');
    for (var i = 0; i < els.length; i++) {
      bindChart(els[i]);
    }
  }

  /* A large dashboard sends its cross-tabs closed (<details data-src>);
   * opening one fetches its charts and tables (server-rendered, escaped
   * HTML, parsed inertly) into it. Without JavaScript, its link opens them
   * on a page of their own. */
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d.open || !d.matches || !d.matches('details.crosstab[data-src]') || d.getAttribute('data-loaded')) {
      return;
    }
    var body = d.querySelector('.crosstab-body');
    if (!body || !window.fetch || !window.DOMParser) {
      return;
    }
    d.setAttribute('data-loaded', 'loading');
    d.setAttribute('aria-busy', 'true');
    fetch(withParam(d.getAttribute('data-src'), 'fragment', '1'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var nodes = [];
        while (doc.body.firstChild) {
          nodes.push(document.adoptNode(doc.body.firstChild));
        }
        body.replaceChildren.apply(body, nodes);
        d.setAttribute('data-loaded', 'true');
        d.removeAttribute('aria-busy');
        if (window.koeCharts) {
          window.koeCharts.observe(body);
        }
      })
      .catch(function () {
        d.removeAttribute('data-loaded');
        d.removeAttribute('aria-busy');
      });
  }, true); // toggle does not bubble

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', bindCharts);
  } else {
    bindCharts();
  }
})();
