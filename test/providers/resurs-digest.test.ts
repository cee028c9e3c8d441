/** Resurs pieces that need no server: callback digests, error codes, the hosted-flow URL, the WSDL files. */
import fs from 'node:fs';
import path from 'node:path';
import { hostedFlowUrl } from '../../src/providers/resurs/client';
import { CALLBACK_DIGEST_PARAMETERS, callbackDigest, verifyCallbackDigest } from '../../src/providers/resurs/digest';
import { ecommerceErrorCode, parseECommerceError, ResursError } from '../../src/providers/resurs/errors';
import { ProviderError } from '../../src/providers/types';
import { resursWsdlDir, wsdlPath } from '../../src/providers/resurs/wsdl';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { testPerson } from '../../src/sandbox/resurs/persons';

describe('Resurs callback digest', () => {
  it('matches the documented vectors (MD5 and SHA1 of "lePayment" + "iCanHasCheezeburger")', () => {
    expect(callbackDigest(['lePayment'], 'iCanHasCheezeburger', 'md5')).toBe('ED3381936CCAA2659CF3089F4AA83007');
    expect(callbackDigest(['lePayment'], 'iCanHasCheezeburger')).toBe('108B57C61F0DAD7A912BA9B5D7879951FB0054C8');
    expect(callbackDigest(['lePayment'], 'iCanHasCheezeburger', 'sha1')).toBe('108B57C61F0DAD7A912BA9B5D7879951FB0054C8');
  });

  it('joins the parameters in order, then the salt', () => {
    expect(callbackDigest(['le', 'Payment'], 'iCanHasCheezeburger')).toBe('108B57C61F0DAD7A912BA9B5D7879951FB0054C8');
    expect(callbackDigest(['pay-1', 'FROZEN'], 's')).toBe(callbackDigest(['pay-1FROZENs'], ''));
    expect(callbackDigest(['pay-1', 'FROZEN'], 's')).not.toBe(callbackDigest(['pay-1', 'THAWED'], 's'));
  });

  it('verifies SHA1 and MD5, case-insensitively, and nothing else', () => {
    const params = ['lePayment'];
    const salt = 'iCanHasCheezeburger';
    expect(verifyCallbackDigest('108B57C61F0DAD7A912BA9B5D7879951FB0054C8', params, salt)).toBe(true);
    expect(verifyCallbackDigest('108b57c61f0dad7a912ba9b5d7879951fb0054c8', params, salt)).toBe(true);
    expect(verifyCallbackDigest('ED3381936CCAA2659CF3089F4AA83007', params, salt)).toBe(true);
    expect(verifyCallbackDigest('ed3381936ccaa2659cf3089f4aa83007', params, salt)).toBe(true);
    expect(verifyCallbackDigest('108B57C61F0DAD7A912BA9B5D7879951FB0054C8', params, 'other salt')).toBe(false);
    expect(verifyCallbackDigest('108B57C61F0DAD7A912BA9B5D7879951FB0054C8', ['otherPayment'], salt)).toBe(false);
    expect(verifyCallbackDigest('108B57C61F0DAD7A912BA9B5D7879951FB0054C', params, salt)).toBe(false);
    expect(verifyCallbackDigest('108B57C61F0DAD7A912BA9B5D7879951FB0054C80', params, salt)).toBe(false);
    expect(verifyCallbackDigest('', params, salt)).toBe(false);
    expect(verifyCallbackDigest(undefined, params, salt)).toBe(false);
    expect(verifyCallbackDigest(null, params, salt)).toBe(false);
    expect(verifyCallbackDigest('Ä'.repeat(40), params, salt)).toBe(false);
  });

  it('covers paymentId (and result for AUTOMATIC_FRAUD_CONTROL, param1..5 for TEST), as EComPHP registers them', () => {
    expect(CALLBACK_DIGEST_PARAMETERS.BOOKED).toEqual(['paymentId']);
    expect(CALLBACK_DIGEST_PARAMETERS.AUTOMATIC_FRAUD_CONTROL).toEqual(['paymentId', 'result']);
    expect(CALLBACK_DIGEST_PARAMETERS.TEST).toEqual(['param1', 'param2', 'param3', 'param4', 'param5']);
    for (const type of ['UNFREEZE', 'ANNULMENT', 'FINALIZATION', 'UPDATE'] as const) expect(CALLBACK_DIGEST_PARAMETERS[type]).toEqual(['paymentId']);
  });
});

describe('Resurs ECommerceError', () => {
  it('names codes: not_found for REFERENCED_DATA_DONT_EXISTS, already_exists for 19, else the lowercase type', () => {
    expect(ecommerceErrorCode({ errorTypeId: 8, errorTypeDescription: 'REFERENCED_DATA_DONT_EXISTS' })).toBe('not_found');
    expect(ecommerceErrorCode({ errorTypeId: 19, errorTypeDescription: 'OBJECT_WITH_ID_ALREADY_EXIST' })).toBe('already_exists');
    expect(ecommerceErrorCode({ errorTypeId: 20, errorTypeDescription: 'NOT_ALLOWED_IN_PAYMENT_STATE' })).toBe('not_allowed_in_payment_state');
    expect(ecommerceErrorCode({ errorTypeId: 1, errorTypeDescription: 'whatever' })).toBe('illegal_argument');
    expect(ecommerceErrorCode({ errorTypeId: 4711, errorTypeDescription: 'BRAND NEW-ERROR' })).toBe('brand_new_error');
    expect(ecommerceErrorCode({ errorTypeId: 4712, errorTypeDescription: '' })).toBe('error_4712');
  });

  it('reads the fault detail as npm soap parses it (every leaf a string) and is a non-retryable ProviderError', () => {
    const parsed = parseECommerceError({
      ECommerceError: { errorTypeDescription: 'REFERENCED_DATA_DONT_EXISTS', errorTypeId: '8', fixableByYou: 'true', userErrorMessage: 'Finns inte' },
    });
    expect(parsed).toEqual({ errorTypeId: 8, errorTypeDescription: 'REFERENCED_DATA_DONT_EXISTS', fixableByYou: true, userErrorMessage: 'Finns inte' });
    expect(parseECommerceError({ ECommerceError: { errorTypeId: 'x' } })).toBeNull();
    expect(parseECommerceError('nope')).toBeNull();
    const err = new ResursError('m', 500, parsed!);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'not_found', retryable: false, status: 500, errorTypeId: 8, userErrorMessage: 'Finns inte' });
  });
});

describe('Resurs hosted-flow URL', () => {
  it('is Resurs production host for the production API, <apiUrl>/hostedflow/back-channel elsewhere', () => {
    expect(hostedFlowUrl('https://ecommerce.resurs.com')).toBe('https://ecommerce-hosted.resurs.com/back-channel');
    expect(hostedFlowUrl('https://ecommerce.resurs.com/')).toBe('https://ecommerce-hosted.resurs.com/back-channel');
    expect(hostedFlowUrl('https://test.resurs.com/ecommerce-test')).toBe('https://test.resurs.com/ecommerce-test/hostedflow/back-channel');
    expect(hostedFlowUrl('http://localhost:3000/sandbox/resurs/')).toBe('http://localhost:3000/sandbox/resurs/hostedflow/back-channel');
  });
});

describe('Resurs WSDL files and test persons', () => {
  it('finds our WSDL and XSD files, with Resurs namespaces and the operations the client uses', () => {
    const dir = resursWsdlDir();
    expect(fs.existsSync(path.join(dir, 'common.xsd'))).toBe(true);
    const simplified = fs.readFileSync(wsdlPath('SimplifiedShopFlowService'), 'utf8');
    expect(simplified).toContain('http://ecommerce.resurs.com/v4/msg/simplifiedshopflow');
    for (const op of ['bookPayment', 'bookSignedPayment', 'getPaymentMethods']) expect(simplified).toContain(`<operation name="${op}">`);
    const afterShop = fs.readFileSync(wsdlPath('AfterShopFlowService'), 'utf8');
    expect(afterShop).toContain('http://ecommerce.resurs.com/v4/msg/aftershopflow');
    for (const op of ['getPayment', 'finalizePayment', 'annulPayment', 'creditPayment']) expect(afterShop).toContain(`<operation name="${op}">`);
    const configuration = fs.readFileSync(wsdlPath('ConfigurationService'), 'utf8');
    expect(configuration).toContain('http://ecommerce.resurs.com/v4/msg/configuration');
    expect(configuration).toContain('<operation name="registerEventCallback">');
  });

  it('has one test person per outcome, found by 12 or 10 digits', () => {
    const outcomes = Object.values(RESURS_TEST_PERSONS).map((p) => p.outcome);
    expect(outcomes.sort()).toEqual(['BOOKED', 'DENIED', 'FINALIZED', 'FROZEN', 'SIGNING']);
    expect(new Set(Object.values(RESURS_TEST_PERSONS).map((p) => p.governmentId)).size).toBe(5);
    expect(testPerson('198209123705')?.outcome).toBe('FROZEN');
    expect(testPerson('8209123705')?.outcome).toBe('FROZEN');
    expect(testPerson('19820912-3705')?.outcome).toBe('FROZEN');
    expect(testPerson('195001011234')).toBeUndefined();
    expect(testPerson(null)).toBeUndefined();
  });
});
