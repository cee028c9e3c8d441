import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, Router } from 'express';
import * as soap from 'soap';
import { CALLBACK_DIGEST_PARAMETERS } from '../../providers/resurs/digest';
import { RESURS_CALLBACK_TYPES, type ResursCallbackType } from '../../providers/resurs/types';
import { list, num, obj, text } from '../../providers/resurs/wire';
import { RESURS_SERVICES, type ResursServiceName, resursWsdlDir, wsdlPath } from '../../providers/resurs/wsdl';
import { annulPayment, creditPayment, finalizePayment } from './aftershop';
import { bookPayment, bookSignedPayment, checkReturnUrl, notFound, SandboxFault } from './booking';
import { sandboxRoot, type ResursSandboxContext } from './context';
import { basicAuth } from './http';
import { PAYMENT_METHODS } from './persons';
import { readBooking, readPartSpec, wireBookResult, wirePayment } from './soap-wire';

/**
 * The SOAP services, from our own WSDL (src/providers/resurs/wsdl) with npm `soap`'s server in its
 * serverless form: this Express router checks Basic auth, reads the body and hands the XML to
 * `Server.processRequest` (rather than `soap.listen`, which registers its own catch-all route
 * handler and cannot run middleware first). Routes, relative to the mount:
 * - `POST /ws/V4/{SimplifiedShopFlowService|AfterShopFlowService|ConfigurationService}`
 * - `GET  /ws/V4/{service}?wsdl` (soap:address pointing here) and `GET /ws/V4/{name}.xsd`
 */

type Args = Record<string, unknown>;
type Operation = (args: Args) => Promise<object>;

const SERVICE_NAMES = Object.values(RESURS_SERVICES) as string[];
const PORTS: Record<ResursServiceName, string> = {
  SimplifiedShopFlowService: 'SimplifiedShopFlowWebServiceImplPort',
  AfterShopFlowService: 'AfterShopFlowWebServiceImplPort',
  ConfigurationService: 'ConfigurationWebServiceImplPort',
};

/** The sandbox root of the request being served, for the URLs the services hand out. */
const requestRoot = new AsyncLocalStorage<string>();

function root(): string {
  return requestRoot.getStore() ?? '';
}

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A refusal as Resurs sends it: soap:Server, 500, detail = ECommerceError (exception namespace). */
function fault(err: unknown, ctx: ResursSandboxContext): { Fault: object } {
  if (err instanceof SandboxFault) {
    const detail =
      `<ns2:ECommerceError xmlns:ns2="http://ecommerce.resurs.com/v4/msg/exception">` +
      `<errorTypeDescription>${xml(err.errorTypeDescription)}</errorTypeDescription><errorTypeId>${err.errorTypeId}</errorTypeId>` +
      `<fixableByYou>${err.fixableByYou}</fixableByYou><userErrorMessage>${xml(err.userErrorMessage)}</userErrorMessage></ns2:ECommerceError>`;
    return { Fault: { faultcode: 'soap:Server', faultstring: err.message, detail: { $xml: detail }, statusCode: 500 } };
  }
  ctx.log.error({ err }, 'resurs sandbox: SOAP operation failed');
  // No ECommerceError: to a client this is Resurs being unwell, worth another try.
  return { Fault: { faultcode: 'soap:Server', faultstring: 'Internal error in the Resurs sandbox.', statusCode: 500 } };
}

function services(ctx: ResursSandboxContext): Record<ResursServiceName, Record<string, Operation>> {
  return {
    SimplifiedShopFlowService: {
      async getPaymentMethods(args) {
        const customerType = text(args.customerType);
        const amount = num(args.purchaseAmount);
        const methods = PAYMENT_METHODS.filter(
          (m) => (!customerType || m.customerType.includes(customerType as 'NATURAL')) && (amount === undefined || amount <= m.maxLimit),
        );
        return { return: methods.map((m) => ({ id: m.id, description: m.description, minLimit: m.minLimit, maxLimit: m.maxLimit, type: m.type, customerType: m.customerType, specificType: m.specificType })) };
      },
      async bookPayment(args) {
        const signing = obj(args.signing);
        const input = {
          ...readBooking(args),
          successUrl: text(signing.successUrl) ?? '',
          failUrl: text(signing.failUrl) ?? '',
          backUrl: null,
          flow: 'simplified' as const,
          hostedSessionId: null,
        };
        return wireBookResult(await bookPayment(ctx, input, root()));
      },
      async bookSignedPayment(args) {
        return wireBookResult(await bookSignedPayment(ctx, text(args.paymentId) ?? '', root()));
      },
    },
    AfterShopFlowService: {
      async getPayment(args) {
        const id = text(args.paymentId) ?? '';
        const doc = await ctx.store.findPayment(id);
        if (!doc || doc.state !== 'BOOKED') throw notFound(id);
        return { return: wirePayment(doc) };
      },
      async finalizePayment(args) {
        await finalizePayment(ctx, text(args.paymentId) ?? '', readPartSpec(args));
        return {};
      },
      async annulPayment(args) {
        await annulPayment(ctx, text(args.paymentId) ?? '', readPartSpec(args));
        return {};
      },
      async creditPayment(args) {
        await creditPayment(ctx, text(args.paymentId) ?? '', readPartSpec(args));
        return {};
      },
    },
    ConfigurationService: {
      async registerEventCallback(args) {
        const type = eventType(args);
        const uriTemplate = text(args.uriTemplate) ?? '';
        checkReturnUrl('uriTemplate', uriTemplate.replace(/\{[A-Za-z0-9_]+\}/g, 'x'));
        const digest = obj(args.digestConfiguration);
        const algorithm = text(digest.digestAlgorithm) === 'MD5' ? 'MD5' : 'SHA1';
        const parameters = list(digest.digestParameters).map(text).filter((p): p is string => !!p);
        await ctx.callbacks.registrations.replaceOne(
          { _id: type },
          {
            uriTemplate,
            basicAuthUserName: text(args.basicAuthUserName) || null,
            basicAuthPassword: text(args.basicAuthPassword) || null,
            digestAlgorithm: algorithm,
            digestParameters: parameters.length ? parameters : [...CALLBACK_DIGEST_PARAMETERS[type]],
            digestSalt: text(digest.digestSalt) ?? '',
            registeredAt: ctx.now(),
          },
          { upsert: true },
        );
        return {};
      },
      async getRegisteredEventCallback(args) {
        const type = eventType(args);
        const reg = await ctx.callbacks.registrations.findOne({ _id: type });
        // (unconfirmed) what Resurs answers for an unregistered type; the sandbox says "does not exist".
        if (!reg) throw new SandboxFault(8, `No callback is registered for ${type}.`);
        return { uriTemplate: reg.uriTemplate };
      },
      async unregisterEventCallback(args) {
        await ctx.callbacks.registrations.deleteOne({ _id: eventType(args) });
        return {};
      },
    },
  };
}

function eventType(args: Args): ResursCallbackType {
  const type = text(args.eventType) as ResursCallbackType;
  if (!RESURS_CALLBACK_TYPES.includes(type)) throw new SandboxFault(1, `Unknown eventType ${JSON.stringify(type)}.`);
  return type;
}

/** Each operation answers its value or throws a SOAP fault (node-soap's convention). */
function guarded(ctx: ResursSandboxContext, ops: Record<string, Operation>): Record<string, (args: unknown) => Promise<object>> {
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [
      name,
      async (args: unknown) => {
        try {
          return await op(obj(args));
        } catch (err) {
          throw fault(err, ctx);
        }
      },
    ]),
  );
}

function startServer(ctx: ResursSandboxContext, name: ResursServiceName, ops: Record<string, Operation>): Promise<soap.Server> {
  const file = wsdlPath(name);
  return new Promise((resolve, reject) => {
    soap.listen(null, {
      path: `/ws/V4/${name}`,
      services: { [name]: { [PORTS[name]]: guarded(ctx, ops) } },
      xml: fs.readFileSync(file, 'utf8'),
      uri: file,
      suppressStack: true,
      returnFault: true,
      callback: (err: unknown, server: soap.Server) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(server)),
    });
  });
}

export function soapRoutes(ctx: ResursSandboxContext): Router {
  const router = Router();
  const ops = services(ctx);
  const servers = new Map<ResursServiceName, Promise<soap.Server>>();
  const server = (name: ResursServiceName) => {
    let s = servers.get(name);
    if (!s) {
      s = startServer(ctx, name, ops[name]);
      servers.set(name, s);
    }
    return s;
  };

  router.use('/ws', basicAuth(ctx.username, ctx.password, (res) => void res.status(401).type('text/plain').send('Unauthorized')));

  router.get('/ws/V4/:name', (req: Request, res: Response) => {
    const name = String(req.params.name);
    const dir = resursWsdlDir();
    if (SERVICE_NAMES.includes(name) && 'wsdl' in req.query) {
      const wsdl = fs.readFileSync(wsdlPath(name as ResursServiceName), 'utf8');
      const here = `${sandboxRoot(ctx, req)}/ws/V4/${name}`;
      return void res.type('text/xml').send(wsdl.replace(/(<soap:address\s+location=")[^"]*(")/, `$1${xml(here)}$2`));
    }
    if (/^[a-z]+\.xsd$/.test(name) && fs.existsSync(path.join(dir, name))) {
      return void res.type('text/xml').send(fs.readFileSync(path.join(dir, name), 'utf8'));
    }
    res.status(SERVICE_NAMES.includes(name) ? 405 : 404).type('text/plain').send(SERVICE_NAMES.includes(name) ? 'POST a SOAP request, or GET ?wsdl' : 'Not found');
  });

  router.post('/ws/V4/:name', express.text({ type: () => true, limit: '2mb' }), async (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!SERVICE_NAMES.includes(name)) return void res.status(404).type('text/plain').send('Not found');
    const s = await server(name as ResursServiceName);
    const body = typeof req.body === 'string' ? req.body : '';
    const out = await requestRoot.run(sandboxRoot(ctx, req), () =>
      s.processRequest(body, { method: 'POST', url: `/ws/V4/${name}`, headers: req.headers as Record<string, string> }),
    );
    res.status(out.statusCode).set('Content-Type', 'text/xml; charset=utf-8').send(out.body);
  });
  return router;
}
