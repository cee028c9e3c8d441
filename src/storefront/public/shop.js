// The shop's checkout form: builds the `POST /checkouts` body, sends it as JSON and follows the
// answer's nextAction. Resurs Checkout (flow rco) is handed to window.resursCheckout instead.
(() => {
  'use strict';
  const form = document.getElementById('checkout-form');
  if (!form) return;
  const words = JSON.parse(document.getElementById('shop-words').textContent);
  const formError = document.getElementById('form-error');
  const payButton = document.getElementById('pay');
  const resursDetails = document.getElementById('resurs-details');
  const resursCustomer = document.getElementById('resurs-customer');
  const methodSelect = document.getElementById('f-payment-method');
  const idOf = (path) => path.replace(/\./g, '-');
  const value = (name) => (form.elements.namedItem(name)?.value ?? '').trim();

  const choice = () => {
    const [provider, option] = (form.querySelector('input[name="payment.choice"]:checked')?.value ?? '').split(':');
    return { provider, option };
  };

  let methods; // loaded once, when a Resurs option is first chosen
  async function loadMethods() {
    if (methods) return methods;
    methods = fetch('/resurs/payment-methods', { headers: { accept: 'application/json' } })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
      .then((answer) => {
        methodSelect.replaceChildren(...answer.methods.map((m) => new Option(m.description || m.id, m.id)));
      })
      .catch(() => {
        methods = undefined;
        showFieldError('payment.method', words.methodsFailed);
      });
    return methods;
  }

  function onChoice() {
    const { provider, option } = choice();
    resursDetails.hidden = provider !== 'resurs';
    // Resurs Checkout asks for the customer's details in its own iframe.
    resursCustomer.hidden = option === 'rco';
    if (provider === 'resurs') void loadMethods();
  }
  form.addEventListener('change', (event) => {
    if (event.target.name === 'payment.choice') onChoice();
  });
  onChoice();

  // --- errors, next to their field, announced, first one focused ---
  /** The element an API field path belongs to: the field itself, or the group holding it. */
  function targetOf(path) {
    if (path.startsWith('items')) return document.getElementById('items');
    if (path === 'payment.method') return methodSelect;
    if (path.startsWith('payment')) return document.getElementById('payment');
    const exact = document.getElementById(`f-${idOf(path)}`);
    if (exact) return exact;
    return form.querySelector(`[name^="${path}."]`); // `customer.address` → its first field
  }

  function showFieldError(path, message) {
    const target = targetOf(path);
    if (!target) return undefined;
    const key = target.tagName === 'FIELDSET' ? target.id : target.id.replace(/^f-/, '');
    const slot = document.getElementById(`err-${key}`);
    if (slot) {
      slot.textContent = slot.hidden ? message : `${slot.textContent} ${message}`;
      slot.hidden = false;
    }
    // A group is marked through its fields (aria-invalid belongs on the controls).
    const controls = target.tagName === 'FIELDSET' ? target.querySelectorAll('input:not([disabled]), select') : [target];
    for (const control of controls) control.setAttribute('aria-invalid', 'true');
    return target;
  }

  function showFormError(message) {
    formError.textContent = message;
    formError.hidden = false;
  }

  function clearErrors() {
    formError.hidden = true;
    formError.textContent = '';
    for (const slot of form.querySelectorAll('.field-error')) {
      slot.hidden = true;
      slot.textContent = '';
    }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function focusFirst(targets) {
    const first = targets
      .filter(Boolean)
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
    const focusable = first?.tagName === 'FIELDSET' ? first.querySelector('input:not([disabled]), select') : first;
    (focusable ?? formError).focus();
  }

  // --- the request ---
  function body() {
    const items = [...form.querySelectorAll('input[data-ticket-type]')]
      .map((input) => ({ ticketTypeId: input.dataset.ticketType, quantity: Number(input.value) }))
      .filter((item) => Number.isFinite(item.quantity) && item.quantity !== 0);
    const customer = { name: value('customer.name'), email: value('customer.email'), locale: value('customer.locale') };
    const { provider, option } = choice();
    let payment;
    if (provider === 'komoju') payment = { provider, method: option };
    else {
      payment = { provider, method: methodSelect.value, flow: option };
      if (option !== 'rco') {
        // Empty fields are left out, so the API names what is missing.
        const optional = (name) => value(name) || undefined;
        customer.governmentId = optional('customer.governmentId');
        customer.phone = optional('customer.phone');
        const address = {};
        for (const part of ['addressRow1', 'postalCode', 'postalArea', 'country']) address[part] = optional(`customer.address.${part}`);
        if (Object.values(address).some(Boolean)) customer.address = address;
      }
    }
    return { eventId: form.dataset.event, items, customer, payment };
  }

  // The same request keeps its orderId, so asking again after a 503 joins the first attempt;
  // a changed request gets a new one (the API refuses an orderId reused for another request).
  let last = { request: '', orderId: '' };
  function withOrderId(request) {
    const key = JSON.stringify(request);
    if (key !== last.request) {
      const bytes = crypto.getRandomValues(new Uint8Array(10));
      last = { request: key, orderId: `ord-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}` };
    }
    return { orderId: last.orderId, ...request };
  }
  const forget = () => (last = { request: '', orderId: '' });

  let leaving = false;
  async function send(request) {
    const res = await fetch('/checkouts', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request) });
    const answer = await res.json().catch(() => ({}));
    if (res.ok) {
      const next = answer.nextAction;
      leaving = true; // the button stays disabled while the browser goes
      if (next?.type === 'redirect') return location.assign(next.url);
      // Decided at once (or nothing to do at a provider's page): the order page follows it.
      return location.assign(`/orders/${encodeURIComponent(answer.orderId)}?clientSecret=${encodeURIComponent(answer.clientSecret)}`);
    }
    const error = answer.error ?? {};
    if (res.status === 400 && Array.isArray(error.details)) {
      showFormError(words.fixFields);
      const targets = error.details.map((d) => showFieldError(d.field, d.message));
      if (targets.some((t) => !t)) showFormError(`${words.fixFields} ${error.message ?? ''}`);
      focusFirst(targets);
      return;
    }
    if (res.status !== 503) forget();
    if (res.status === 409 && error.code === 'sold_out') {
      showFormError(words.soldOutError);
      return focusFirst([showFieldError('items', words.soldOutError)]);
    }
    if (res.status === 429) showFormError(words.rateLimited);
    else if (res.status === 503) showFormError(words.unavailable);
    else showFormError(error.message ? `${words.failed} (${error.message})` : words.failed);
    focusFirst([]);
  }

  async function startRco(request, container) {
    if (!window.resursCheckout || typeof window.resursCheckout.start !== 'function') {
      showFormError(words.rcoMissing);
      return focusFirst([]);
    }
    container.replaceChildren();
    await window.resursCheckout.start(request, container);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const request = body();
    // Only what is plainly missing is checked here; the API's 400 names everything else.
    const missing = [...form.querySelectorAll('[required]')].filter((input) => !input.closest('[hidden]') && !input.value.trim());
    const noTickets = !request.items.length;
    if (noTickets || missing.length) {
      showFormError(noTickets && !missing.length ? words.pickTickets : words.fixFields);
      const targets = missing.map((input) => showFieldError(input.name, words.required));
      return focusFirst([noTickets ? showFieldError('items', words.pickTickets) : undefined, ...targets]);
    }
    const label = payButton.textContent;
    payButton.disabled = true;
    payButton.textContent = words.sending;
    form.setAttribute('aria-busy', 'true');
    try {
      const full = withOrderId(request);
      if (request.payment.flow === 'rco') await startRco(full, document.getElementById('rco-container'));
      else await send(full);
    } catch {
      showFormError(words.failed);
      focusFirst([]);
    } finally {
      if (leaving) return;
      payButton.disabled = false;
      payButton.textContent = label;
      form.removeAttribute('aria-busy');
    }
  });
})();
