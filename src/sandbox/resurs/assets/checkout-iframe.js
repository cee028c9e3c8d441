// The sandbox's Resurs Checkout iframe: Resurs' postMessage events to and from the shop's page
// (JSON strings, as Resurs sends them). With the shop's purchase-button interceptor set, nothing
// is booked before the shop answers `checkout:order-status` with orderReady: true.
(function () {
  'use strict';
  var root = document.getElementById('rco');
  var shopOrigin = root.getAttribute('data-shop-origin');
  var purchaseUrl = root.getAttribute('data-purchase-url');
  var form = document.getElementById('rco-form');
  var button = document.getElementById('purchase');
  var message = document.getElementById('rco-iframe-message');
  var intercept = false;
  var awaitingShop = null;

  function tell(data) {
    window.parent.postMessage(JSON.stringify(data), shopOrigin);
  }
  function field(name) {
    var el = form.querySelector('[name="' + name + '"]:checked') || form.querySelector('[name="' + name + '"]');
    return el ? el.value : '';
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== shopOrigin) return;
    var data;
    try {
      data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
    } catch (e) {
      return;
    }
    if (!data) return;
    if (data.eventType === 'checkout:set-purchase-button-interceptor') intercept = data.checkOrderBeforeBooking === true;
    if (data.eventType === 'checkout:order-status' && awaitingShop) {
      var answer = awaitingShop;
      awaitingShop = null;
      answer(data.orderReady === true);
    }
  });

  form.addEventListener('change', function (event) {
    if (event.target.name === 'paymentMethodId') tell({ eventType: 'checkout:payment-method-change', method: field('paymentMethodId') });
  });
  document.getElementById('governmentId').addEventListener('change', function () {
    tell({ eventType: 'checkout:user-info-change', address: { countryCode: 'SE' } });
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = '';
    tell({ eventType: 'checkout:puchase-button-clicked' });
    var shopReady = intercept
      ? new Promise(function (resolve) {
          awaitingShop = resolve;
          tell({ eventType: 'checkout:booking-order', customer: { governmentId: field('governmentId') }, paymentMethod: { id: field('paymentMethodId') } });
        })
      : Promise.resolve(true);
    shopReady
      .then(function (ready) {
        if (!ready) throw new Error('The shop could not take this order.');
        return fetch(purchaseUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ governmentId: field('governmentId'), paymentMethodId: field('paymentMethodId'), test: field('test') }),
        }).then(function (res) {
          return res.json();
        });
      })
      .then(function (answer) {
        if (answer.result === 'booked') {
          message.textContent = 'Purchase completed.';
          window.top.location.href = answer.redirect;
          return;
        }
        message.textContent = answer.message || 'The purchase did not go through.';
        button.disabled = false;
        if (answer.result === 'denied') tell({ eventType: 'checkout:purchase-denied' });
        else if (answer.result === 'failed') tell({ eventType: 'checkout:purchase-failed' });
      })
      .catch(function (err) {
        message.textContent = err.message;
        button.disabled = false;
      });
  });

  tell({ eventType: 'checkout:loaded' });
})();
