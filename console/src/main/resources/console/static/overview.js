// Draws the overview's usage charts (today, this month) from the console's usage endpoint: one bar per metered
// resource for the units used, one point for its quota (none where the quota is unlimited).
(function () {
  'use strict';

  function label(resource) {
    return resource.replace(/_/g, ' ');
  }

  function draw(target, names, used, quota) {
    var xs = names.map(function (_, i) { return i; });
    var opts = {
      width: Math.max(320, target.clientWidth || 480),
      height: 260,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, names.length - 0.5] },
        y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.15]; } }
      },
      axes: [
        { values: function (u, splits) { return splits.map(function (i) { return Number.isInteger(i) && names[i] ? names[i] : ''; }); } },
        { size: 70 }
      ],
      series: [
        {},
        { label: 'used', stroke: '#2b6cb0', fill: 'rgba(43,108,176,0.55)', paths: uPlot.paths.bars({ size: [0.5, 80] }), points: { show: false } },
        { label: 'quota', stroke: '#c53030', width: 0, paths: function () { return null; }, points: { show: true, size: 12, stroke: '#c53030', fill: '#c53030' } }
      ],
      hooks: { draw: [function () { target.setAttribute('data-drawn', 'true'); }] }
    };
    return new uPlot(opts, [xs, used, quota], target);
  }

  function show(data) {
    var names = data.resources.map(function (r) { return label(r.resource); });
    draw(document.getElementById('chart-day'), names,
      data.resources.map(function (r) { return r.used_today; }),
      data.resources.map(function (r) { return r.limit_per_day === null ? null : r.limit_per_day; }));
    draw(document.getElementById('chart-month'), names,
      data.resources.map(function (r) { return r.used_this_month; }),
      data.resources.map(function (r) { return r.limit_per_month === null ? null : r.limit_per_month; }));
  }

  function fail(message) {
    ['chart-day', 'chart-month'].forEach(function (id) {
      var el = document.getElementById(id);
      el.textContent = message;
      el.className += ' chart-error';
    });
  }

  fetch('/console/api/usage', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('the usage could not be read (HTTP ' + response.status + ')');
      }
      return response.json();
    })
    .then(show)
    .catch(function (e) { fail('Charts are not available: ' + e.message); });
})();
