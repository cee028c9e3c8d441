// Resurs Checkout on the shop's page. window.resursCheckout.start(body, container) opens the
// iframe session, creates the checkout when the customer presses "buy" inside it
// (checkout:booking-order → POST /checkouts → checkout:order-status), and reports denied or
// failed attempts so the order keeps them. `body` is the POST /checkouts body (flow "rco").
(function () {
  'use strict';
  var TEXT = {
    en: {
      loading: 'Opening Resurs Checkout…',
      booking: 'Your order is reserved; completing the payment…',
      deny: 'Your purchase was not approved by Resurs Bank. You can try another payment method.',
      fail: 'The payment did not go through. Please try again.',
      notReady: 'We could not reserve your order: ',
      unavailable: 'Resurs Checkout could not be opened: ',
    },
    ja: {
      loading: 'Resurs Checkout を開いています…',
      booking: 'ご注文を確保しました。お支払いを完了しています…',
      deny: 'Resurs Bank によりご購入が承認されませんでした。別のお支払い方法をお試しください。',
      fail: 'お支払いが完了しませんでした。もう一度お試しください。',
      notReady: 'ご注文を確保できませんでした: ',
      unavailable: 'Resurs Checkout を開けませんでした: ',
    },
  };

  function send(url, body, secret) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (secret) headers['X-Client-Secret'] = secret;
    return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (res) {
      return res.json().then(
        function (json) { return { ok: res.ok, status: res.status, body: json }; },
        function () { return { ok: res.ok, status: res.status, body: {} }; }
      );
    });
  }
  function reason(answer) {
    return (answer.body && answer.body.error && answer.body.error.message) || 'HTTP ' + answer.status;
  }

  function start(body, container) {
    var t = TEXT[body.customer && body.customer.locale === 'ja' ? 'ja' : 'en'];
    var notice = document.createElement('p');
    notice.id = 'rco-message';
    notice.setAttribute('role', 'alert');
    notice.textContent = t.loading;
    container.replaceChildren(notice);
    var checkout = null; // the POST /checkouts answer, once the customer pressed "buy"

    return send('/checkouts/resurs/sessions', { orderId: body.orderId, eventId: body.eventId, items: body.items, method: body.payment.method }).then(function (opened) {
      if (!opened.ok) {
        notice.textContent = t.unavailable + reason(opened);
        return opened;
      }
      var origin = opened.body.origin;
      var iframe = document.createElement('iframe');
      iframe.id = 'rco-iframe';
      iframe.title = 'Resurs Checkout';
      iframe.src = opened.body.iframeUrl;
      iframe.style.cssText = 'width:100%;min-height:40rem;border:0';
      notice.textContent = '';
      container.replaceChildren(iframe, notice);
      function tell(data) {
        iframe.contentWindow.postMessage(JSON.stringify(data), origin);
      }

      window.addEventListener('message', function (event) {
        if (event.origin !== origin || event.source !== iframe.contentWindow) return;
        var data;
        try {
          data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
        } catch (e) {
          return;
        }
        if (!data) return;
        switch (data.eventType) {
          case 'checkout:loaded':
            // Nothing is booked at Resurs before our order exists and holds its seats.
            tell({ eventType: 'checkout:set-purchase-button-interceptor', checkOrderBeforeBooking: true });
            break;
          case 'checkout:booking-order':
            // The same orderId and body every time: a second "buy" after a denial joins the same checkout.
            send('/checkouts', body).then(function (answer) {
              var ready = answer.ok && answer.body.status === 'pending';
              if (answer.ok) checkout = answer.body;
              notice.textContent = ready ? t.booking : t.notReady + (answer.ok ? answer.body.status : reason(answer));
              tell({ eventType: 'checkout:order-status', orderReady: ready });
            });
            break;
          case 'checkout:purchase-denied':
          case 'checkout:purchase-failed': {
            var kind = data.eventType === 'checkout:purchase-denied' ? 'deny' : 'fail';
            notice.textContent = t[kind];
            if (checkout) send('/checkouts/' + encodeURIComponent(checkout.orderId) + '/resurs/rejections', { kind: kind, message: t[kind] }, checkout.clientSecret);
            break;
          }
        }
      });
      return opened;
    });
  }

  window.resursCheckout = { start: start };
})();
