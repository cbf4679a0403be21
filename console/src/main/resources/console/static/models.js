// The models page's moving parts: one chart per evaluation metric over the versions' creation times, and the training
// requests' progress, polled from the console's endpoint while one of them is queued or running.
(function () {
  'use strict';
  var COLOURS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b'];
  var POLL_MS = 3000;

  function failed(target, e) {
    target.textContent = 'The chart is not available: ' + e.message;
    target.className += ' chart-error';
  }

  function readJson(url) {
    return fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    });
  }

  function drawMetric(target, data, s, i) {
    var figure = document.createElement('figure');
    figure.className = 'metric-chart';
    figure.setAttribute('data-metric', s.metric);
    var caption = document.createElement('figcaption');
    caption.textContent = s.metric;
    figure.appendChild(caption);
    target.appendChild(figure);
    var colour = COLOURS[i % COLOURS.length];
    var opts = {
      width: Math.max(320, Math.floor((target.clientWidth || 900) / 2) - 24),
      height: 220,
      legend: { show: false },
      series: [{}, {
        label: s.metric, stroke: colour, width: 2, spanGaps: true,
        points: { show: true, size: 8, stroke: colour, fill: colour }
      }],
      axes: [{}, { size: 60 }],
      scales: { x: { time: true } },
      hooks: { draw: [function () { figure.setAttribute('data-drawn', 'true'); }] }
    };
    return new uPlot(opts, [data.times, s.values], figure);
  }

  function drawMetrics(target) {
    readJson('/console/api/model-metrics?algorithm=' + encodeURIComponent(target.getAttribute('data-algorithm')))
      .then(function (data) {
        if (data.series.length === 0 || data.times.length === 0) {
          target.textContent = 'Nothing to draw: no version has numeric metrics yet.';
          target.setAttribute('data-drawn', 'empty');
          return;
        }
        data.series.forEach(function (s, i) { drawMetric(target, data, s, i); });
        target.setAttribute('data-drawn', 'true');
      })
      .catch(function (e) { failed(target, e); });
  }

  function pollTraining(table) {
    readJson('/console/api/training-requests').then(function (data) {
      var unfinished = false;
      data.requests.forEach(function (r) {
        var row = table.querySelector('tr[data-request-id="' + r.request_id + '"]');
        if (!row) {
          return;
        }
        row.querySelector('.status').textContent = r.status;
        row.querySelector('.stage').textContent = r.stage || '';
        row.querySelector('.percent').textContent = r.percent === null ? '' : r.percent + ' %';
        unfinished = unfinished || r.unfinished;
      });
      table.setAttribute('data-poll', unfinished ? 'true' : 'false');
      if (unfinished) {
        window.setTimeout(function () { pollTraining(table); }, POLL_MS);
      }
    }).catch(function (e) {
      table.setAttribute('data-poll', 'failed: ' + e.message);
    });
  }

  var charts = document.getElementById('metrics-charts');
  if (charts) {
    drawMetrics(charts);
  }
  var training = document.getElementById('training-table');
  if (training && training.getAttribute('data-poll') === 'true') {
    window.setTimeout(function () { pollTraining(training); }, POLL_MS);
  }
})();
