import { request, startFixtureHost, TestHost } from './helpers';

describe('HTTP triggers', () => {
  let started: TestHost;
  let api: string;

  beforeAll(async () => {
    started = await startFixtureHost('basicApp', {
      functionKey: 'function-key',
      masterKey: 'master-key',
      maxRequestBodyBytes: 1024,
    });
    api = `${started.host.url}/api`;
  });
  afterAll(() => started.host.stop());

  it('passes route parameters, query, headers and a JSON body to the handler', async () => {
    const response = await request(`${api}/greet/ada/3?lang=en`, {
      body: { polite: true },
      headers: { 'x-functions-key': 'function-key' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-fixture')).toBe('greet');
    expect(response.body).toMatchObject({
      params: { name: 'ada', times: '3' },
      body: { polite: true },
      query: { lang: 'en' },
      method: 'POST',
      contentType: 'application/json',
    });
  });

  it('answers 401 with an empty body when a function-level trigger gets no key', async () => {
    const response = await request(`${api}/greet/ada`, { body: {} });
    expect(response.status).toBe(401);
    expect(response.text).toBe('');
  });

  it('accepts the function key as ?code= and the master key in its place', async () => {
    expect((await request(`${api}/greet/ada?code=function-key`, { body: {} })).status).toBe(201);
    const withMaster = await request(`${api}/greet/ada`, {
      body: {},
      headers: { 'x-functions-key': 'master-key' },
    });
    expect(withMaster.status).toBe(201);
    expect((await request(`${api}/greet/ada?code=wrong`, { body: {} })).status).toBe(401);
  });

  it('opens admin-level triggers to the master key only', async () => {
    expect((await request(`${api}/adminOnly?code=function-key`)).status).toBe(401);
    const response = await request(`${api}/adminOnly?code=master-key`);
    expect(response).toMatchObject({ status: 200, text: 'admin' });
  });

  it(
    'answers 404 for an unknown route, a ' + 'constraint mismatch or a method not allowed',
    async () => {
      expect((await request(`${api}/nowhere`)).status).toBe(404);
      expect((await request(`${api}/greet/ada/three?code=function-key`, { body: {} })).status).toBe(
        404,
      );
      expect((await request(`${api}/ping`, { method: 'DELETE' })).status).toBe(404);
      expect((await request(`${started.host.url}/elsewhere`)).status).toBe(404);
    },
  );

  it('refuses a body over the configured limit with 413', async () => {
    expect((await request(`${api}/upload`, { rawBody: 'x'.repeat(1000) })).body).toEqual({
      bytes: 1000,
    });
    expect((await request(`${api}/upload`, { rawBody: 'x'.repeat(2000) })).status).toBe(413);
  });

  it('answers 500 with an empty body when the handler throws, and logs the error', async () => {
    const response = await request(`${api}/broken`);
    expect(response).toMatchObject({ status: 500, text: '' });
    expect(started.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        functionName: 'broken',
        message: expect.stringContaining('handler exploded'),
      }),
    );
  });

  it('answers 204 when the handler returns nothing, and passes cookies through', async () => {
    expect((await request(`${api}/silent`)).status).toBe(204);
    const withCookie = await request(`${api}/cookie`);
    expect(withCookie.headers.get('set-cookie')).toBe('session=abc; HttpOnly; SameSite=Lax');
  });

  it(
    "routes the handler's context.log lines to the logger with function name and invocation " +
      'id',
    async () => {
      const response = await request(`${api}/greet/grace?code=function-key`, { body: {} });
      const { invocationId } = response.body as { invocationId: string };
      expect(started.logs).toContainEqual(
        expect.objectContaining({
          level: 'information',
          category: 'user',
          functionName: 'greet',
          invocationId,
          message: 'greeting grace',
        }),
      );
    },
  );

  it("runs the app's start, pre- and post-invocation hooks as the worker does", async () => {
    const events = () =>
      (globalThis as unknown as { hookFixtureEvents: string[] }).hookFixtureEvents;
    expect(events()[0]).toBe('appStart');
    events().splice(0);
    await request(`${api}/ping`);
    await request(`${api}/broken`);
    expect(events()).toEqual([
      'pre ping',
      'post ping preInvocation succeeded',
      'pre broken',
      'post broken preInvocation failed',
    ]);
  });
});
