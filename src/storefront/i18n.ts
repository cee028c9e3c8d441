/**
 * Every word the storefront shows, in Japanese and English. The browser scripts get the few they
 * need from the page (`CLIENT_KEYS`), so there is one dictionary for both.
 */
import type { Locale, OrderStatus } from '../domain/checkout';

export type Lang = Locale;

const en = {
  shopTitle: 'Tickets',
  events: 'Events',
  noEvents: 'No events on sale yet.',
  ticketType: 'Ticket',
  price: 'Price',
  seatsLeft: 'Seats left',
  soldOut: 'Sold out',
  choose: 'Buy tickets',
  checkout: 'Checkout',
  quantities: 'Tickets',
  quantityOf: 'Quantity: {name}',
  you: 'Your details',
  name: 'Name',
  email: 'Email',
  locale: 'Language for mails',
  payment: 'Payment',
  komojuCard: 'Credit card (KOMOJU)',
  komojuKonbini: 'Pay at a convenience store (KOMOJU)',
  resursSimplified: 'Resurs Bank: invoice or part payment, sign with BankID',
  resursHosted: "Resurs Bank: on Resurs' own page",
  resursRco: 'Resurs Checkout (embedded)',
  resursDetails: 'Details for Resurs Bank',
  resursMethod: 'Resurs payment method',
  governmentId: 'National identity number',
  phone: 'Phone',
  addressRow1: 'Street address',
  postalCode: 'Postal code',
  postalArea: 'City',
  country: 'Country',
  pay: 'Continue to payment',
  // the browser scripts' words
  sending: 'Sending…',
  required: 'Please fill in this field.',
  fixFields: 'Please correct the marked fields.',
  pickTickets: 'Choose at least one ticket.',
  soldOutError: 'Sorry, not enough seats are left for this order.',
  rateLimited: 'Too many attempts. Please wait a minute and try again.',
  unavailable: 'The payment provider is not answering. Please try again in a few seconds.',
  failed: 'Something went wrong. Please try again.',
  rcoMissing: 'Resurs Checkout is not available right now. Please choose another payment.',
  methodsFailed: 'Could not load the Resurs payment methods.',
  cancelling: 'Cancelling…',
  // the order page
  order: 'Order',
  notFoundTitle: 'Order not found',
  notFound: 'Order not found. Use the link from your confirmation mail or the payment page.',
  status: 'Status',
  amount: 'Amount',
  items: 'Items',
  continuePayment: 'Continue payment',
  cancelOrder: 'Cancel order',
  pendingText: 'Waiting for your payment. Your seats are held.',
  processingText: 'Your payment is being processed…',
  konbiniText: 'Pay at the convenience store before the deadline. Your seats are held until then.',
  store: 'Store',
  deadline: 'Deadline',
  confirmationCode: 'Confirmation code',
  instructions: 'How to pay at the store',
  reviewText: 'Your payment is being reviewed by the payment provider. Your seats are held; this page updates when it is decided.',
  completedText: 'Thank you! Show these codes at the entrance.',
  tickets: 'Tickets',
  cancelledText: 'This order was cancelled. No payment will be taken.',
  expiredText: 'The payment deadline passed; the order was cancelled and the seats released.',
  refundedText: 'This order could not be completed; the money is being returned to you.',
  refundRequiredText: 'Your payment arrived after the order had closed. We will contact you to return the money.',
  live: 'This page updates by itself.',
  backToShop: 'Back to the shop',
};

type Words = typeof en;

const ja: Words = {
  shopTitle: 'チケット',
  events: 'イベント',
  noEvents: '販売中のイベントはまだありません。',
  ticketType: '券種',
  price: '価格',
  seatsLeft: '残席',
  soldOut: '完売',
  choose: 'チケットを購入',
  checkout: 'ご購入手続き',
  quantities: 'チケット',
  quantityOf: '枚数：{name}',
  you: 'お客様情報',
  name: 'お名前',
  email: 'メールアドレス',
  locale: 'メールの言語',
  payment: 'お支払い方法',
  komojuCard: 'クレジットカード（KOMOJU）',
  komojuKonbini: 'コンビニ払い（KOMOJU）',
  resursSimplified: 'Resurs Bank：請求書・分割払い（BankIDで署名）',
  resursHosted: 'Resurs Bank：Resursのページでお支払い',
  resursRco: 'Resurs Checkout（埋め込み）',
  resursDetails: 'Resurs Bank 用の情報',
  resursMethod: 'Resurs のお支払い方法',
  governmentId: '個人識別番号',
  phone: '電話番号',
  addressRow1: '住所',
  postalCode: '郵便番号',
  postalArea: '市区町村',
  country: '国',
  pay: 'お支払いへ進む',
  sending: '送信中…',
  required: 'この項目を入力してください。',
  fixFields: '入力内容をご確認ください。',
  pickTickets: 'チケットを1枚以上お選びください。',
  soldOutError: '申し訳ありません。残席が足りません。',
  rateLimited: '試行回数が多すぎます。1分ほど待ってからもう一度お試しください。',
  unavailable: '決済会社から応答がありません。数秒後にもう一度お試しください。',
  failed: 'エラーが発生しました。もう一度お試しください。',
  rcoMissing: 'Resurs Checkout は現在ご利用いただけません。別のお支払い方法をお選びください。',
  methodsFailed: 'Resurs のお支払い方法を読み込めませんでした。',
  cancelling: 'キャンセル中…',
  order: 'ご注文',
  notFoundTitle: 'ご注文が見つかりません',
  notFound: 'ご注文が見つかりません。確認メールまたはお支払いページのリンクをご利用ください。',
  status: '状態',
  amount: '金額',
  items: '内容',
  continuePayment: 'お支払いを続ける',
  cancelOrder: '注文をキャンセル',
  pendingText: 'お支払いをお待ちしています。お席は確保されています。',
  processingText: 'お支払いを処理しています…',
  konbiniText: 'お支払い期限までにコンビニでお支払いください。それまでお席は確保されています。',
  store: '店舗',
  deadline: 'お支払い期限',
  confirmationCode: '確認番号',
  instructions: 'コンビニでのお支払い方法',
  reviewText: 'お支払いは決済会社で審査中です。お席は確保されています。結果が出るとこのページが更新されます。',
  completedText: 'ご購入ありがとうございます。入場時にこのコードをご提示ください。',
  tickets: 'チケット',
  cancelledText: 'このご注文はキャンセルされました。お支払いは発生しません。',
  expiredText: 'お支払い期限が過ぎたため、ご注文はキャンセルされ、お席は解放されました。',
  refundedText: 'ご注文を完了できなかったため、返金いたします。',
  refundRequiredText: 'ご注文の受付終了後にお支払いが確認されました。返金のため担当者よりご連絡いたします。',
  live: 'このページは自動で更新されます。',
  backToShop: 'ショップに戻る',
};

const WORDS: Record<Lang, Words> = { en, ja };

/** The browser scripts' words (see public/shop.js, public/order.js). */
export const CLIENT_KEYS = ['sending', 'required', 'fixFields', 'pickTickets', 'soldOutError', 'rateLimited', 'unavailable', 'failed', 'rcoMissing', 'methodsFailed', 'cancelling'] as const;

const STATUS: Record<Lang, Record<OrderStatus, string>> = {
  en: { pending: 'Waiting for payment', awaiting_payment: 'Waiting for payment', completed: 'Completed', cancelled: 'Cancelled', expired: 'Expired', refunded: 'Refunded', refund_required: 'Refund pending' },
  ja: { pending: 'お支払い待ち', awaiting_payment: 'お支払い待ち', completed: '完了', cancelled: 'キャンセル', expired: '期限切れ', refunded: '返金済み', refund_required: '返金手続き中' },
};

/** KOMOJU's store ids, named as the customer knows them. */
const STORES: Record<string, Record<Lang, string>> = {
  'seven-eleven': { ja: 'セブン-イレブン', en: '7-Eleven' },
  lawson: { ja: 'ローソン', en: 'Lawson' },
  'family-mart': { ja: 'ファミリーマート', en: 'FamilyMart' },
  ministop: { ja: 'ミニストップ', en: 'Ministop' },
  'daily-yamazaki': { ja: 'デイリーヤマザキ', en: 'Daily Yamazaki' },
  seicomart: { ja: 'セイコーマート', en: 'Seicomart' },
};

export function words(lang: Lang): Words {
  return WORDS[lang];
}

/** Waiting for a payment is told apart by what it waits for (a konbini slip, a review). */
const WAITING: Record<Lang, Record<string, string>> = {
  en: { konbini: 'Waiting for payment at the store', review: 'Under review' },
  ja: { konbini: 'コンビニでのお支払い待ち', review: '審査中' },
};

export function statusLabel(status: OrderStatus, lang: Lang, pendingKind?: string): string {
  const waiting = status === 'awaiting_payment' && pendingKind ? WAITING[lang][pendingKind] : undefined;
  return waiting ?? STATUS[lang][status];
}

export function storeName(id: string, lang: Lang): string {
  return STORES[id]?.[lang] ?? id;
}

/** `{name}` placeholders filled in. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}

/** `?lang=` wins; else the browser's first choice between the two; else Japanese (a Japanese shop). */
export function langOf(query: unknown, acceptLanguage: string | undefined, fallback?: Lang): Lang {
  if (isLang(query)) return query;
  if (fallback) return fallback;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (isLang(tag)) return tag;
  }
  return 'ja';
}

export function money(amount: number, currency: string, lang: Lang): string {
  try {
    return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** Konbini deadlines are in Japan time, as the store sees them, whatever the browser's zone. */
export function jstDateTime(iso: string, lang: Lang): string {
  const formatted = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
  return lang === 'ja' ? `${formatted}（日本時間）` : `${formatted} JST`;
}
