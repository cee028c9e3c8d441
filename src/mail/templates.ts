import type { EmailKind, Locale } from '../domain/checkout';
import type { OrderDoc } from '../db/schema';

export type { EmailKind };

export interface RenderedMail {
  subject: string;
  text: string;
}

function money(amount: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency }).format(amount);
}

/** Deadlines are shown in the customer's language and always in Japan time, as the store sees it. */
export function formatDeadline(iso: string, locale: Locale): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Tokyo' };
  const formatted = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', options).format(new Date(iso));
  return `${formatted} JST`;
}

function lines(order: OrderDoc, locale: Locale): string {
  return order.items
    .map((item) => `- ${item.name} × ${item.quantity}: ${money(item.unitPrice * item.quantity, order.currency, locale)}`)
    .join('\n');
}

/** The konbini slip as the order files it (see PendingPayment in the domain). */
const slip = (o: OrderDoc) => (o.payment.konbini ?? {}) as Partial<Record<'store' | 'deadline' | 'instructionsUrl' | 'confirmationCode', string>>;

type Template = (order: OrderDoc, links: { orderUrl: string }) => RenderedMail;

const en: Record<EmailKind, Template> = {
  order_confirmation: (o, { orderUrl }) => ({
    subject: `Your tickets — order ${o._id}`,
    text: [
      `Dear ${o.customer.name},`,
      '',
      `Thank you for your purchase. Your payment of ${money(o.amount, o.currency, 'en')} was received.`,
      '',
      lines(o, 'en'),
      '',
      'Your ticket codes:',
      ...(o.tickets ?? []).map((t) => `  ${t.code}  (${t.ticketTypeId})`),
      '',
      `Order: ${orderUrl}`,
    ].join('\n'),
  }),
  konbini_instructions: (o, { orderUrl }) => ({
    subject: `How to pay at the convenience store — order ${o._id}`,
    text: [
      `Dear ${o.customer.name},`,
      '',
      `Please pay ${money(o.amount, o.currency, 'en')} at ${slip(o).store ?? 'the convenience store'}.`,
      `Deadline: ${slip(o).deadline ? formatDeadline(slip(o).deadline!, 'en') : '-'}`,
      `Confirmation code: ${slip(o).confirmationCode ?? '-'}`,
      `Instructions: ${slip(o).instructionsUrl ?? '-'}`,
      '',
      'Your seats are held until then.',
      `Order: ${orderUrl}`,
    ].join('\n'),
  }),
  payment_under_review: (o, { orderUrl }) => ({
    subject: `Your payment is being reviewed — order ${o._id}`,
    text: [
      `Dear ${o.customer.name},`,
      '',
      `Your payment of ${money(o.amount, o.currency, 'en')} is being reviewed by the payment provider. Your seats are held meanwhile; we will write again as soon as it is decided.`,
      '',
      `Order: ${orderUrl}`,
    ].join('\n'),
  }),
  payment_expired: (o) => ({
    subject: `Payment deadline passed — order ${o._id}`,
    text: `Dear ${o.customer.name},\n\nThe payment deadline for order ${o._id} has passed without payment. The order was cancelled and the seats were released.`,
  }),
  order_cancelled: (o) => ({
    subject: `Order cancelled — ${o._id}`,
    text: `Dear ${o.customer.name},\n\nYour order ${o._id} was cancelled. No payment will be taken.`,
  }),
  refund_notice: (o) => ({
    subject: `Refund — order ${o._id}`,
    text:
      o.status === 'refund_required'
        ? `Dear ${o.customer.name},\n\nYour payment of ${money(o.amount, o.currency, 'en')} for order ${o._id} arrived after the order had closed, and the seats are no longer available. We will contact you to return the money to your bank account.`
        : `Dear ${o.customer.name},\n\nWe could not complete order ${o._id}. ${money(o.amount, o.currency, 'en')} is being returned to you.`,
  }),
};

const ja: Record<EmailKind, Template> = {
  order_confirmation: (o, { orderUrl }) => ({
    subject: `チケットのご案内（ご注文番号 ${o._id}）`,
    text: [
      `${o.customer.name} 様`,
      '',
      `ご購入ありがとうございます。${money(o.amount, o.currency, 'ja')} のお支払いを確認しました。`,
      '',
      lines(o, 'ja'),
      '',
      'チケットコード:',
      ...(o.tickets ?? []).map((t) => `  ${t.code}  (${t.ticketTypeId})`),
      '',
      `ご注文: ${orderUrl}`,
    ].join('\n'),
  }),
  konbini_instructions: (o, { orderUrl }) => ({
    subject: `コンビニでのお支払い方法（ご注文番号 ${o._id}）`,
    text: [
      `${o.customer.name} 様`,
      '',
      `${slip(o).store ?? 'コンビニ'} にて ${money(o.amount, o.currency, 'ja')} をお支払いください。`,
      `お支払期限: ${slip(o).deadline ? formatDeadline(slip(o).deadline!, 'ja') : '-'}`,
      `確認番号: ${slip(o).confirmationCode ?? '-'}`,
      `お支払い方法: ${slip(o).instructionsUrl ?? '-'}`,
      '',
      `ご注文: ${orderUrl}`,
    ].join('\n'),
  }),
  payment_under_review: (o, { orderUrl }) => ({
    subject: `お支払いの審査中です（ご注文番号 ${o._id}）`,
    text: [
      `${o.customer.name} 様`,
      '',
      `${money(o.amount, o.currency, 'ja')} のお支払いは決済会社で審査中です。審査の間お席は確保しております。結果が出ましたら改めてご連絡いたします。`,
      '',
      `ご注文: ${orderUrl}`,
    ].join('\n'),
  }),
  payment_expired: (o) => ({
    subject: `お支払期限切れ（ご注文番号 ${o._id}）`,
    text: `${o.customer.name} 様\n\nご注文 ${o._id} はお支払期限までにお支払いが確認できなかったため、キャンセルされました。`,
  }),
  order_cancelled: (o) => ({
    subject: `ご注文キャンセル（ご注文番号 ${o._id}）`,
    text: `${o.customer.name} 様\n\nご注文 ${o._id} はキャンセルされました。`,
  }),
  refund_notice: (o) => ({
    subject: `返金のお知らせ（ご注文番号 ${o._id}）`,
    text:
      o.status === 'refund_required'
        ? `${o.customer.name} 様\n\nご注文 ${o._id} のお支払い（${money(o.amount, o.currency, 'ja')}）は受付終了後に確認されたため、お席をご用意できませんでした。返金のため、担当者より口座情報の確認のご連絡を差し上げます。`
        : `${o.customer.name} 様\n\nご注文 ${o._id} を完了できなかったため、${money(o.amount, o.currency, 'ja')} を返金いたします。`,
  }),
};

export function renderMail(kind: EmailKind, order: OrderDoc, links: { orderUrl: string }): RenderedMail {
  return (order.customer.locale === 'ja' ? ja : en)[kind](order, links);
}
