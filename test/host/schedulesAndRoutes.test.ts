import { nextOccurrence, parseNcrontab } from '../../local/host/ncrontab';
import { matchRoute, parseRouteTemplate } from '../../local/host/routeTemplate';

describe('NCRONTAB schedules', () => {
  it.each([
    ['0 30 2 * * *', '2030-01-01T00:00:00Z', '2030-01-01T02:30:00.000Z'],
    ['0 30 2 * * *', '2030-01-01T02:30:00Z', '2030-01-02T02:30:00.000Z'],
    ['*/5 * * * *', '2030-01-01T00:03:10Z', '2030-01-01T00:05:00.000Z'],
    ['*/15 * * * * *', '2030-01-01T00:00:14Z', '2030-01-01T00:00:15.000Z'],
    ['0 0 9-17/4 * * MON-FRI', '2030-01-05T12:00:00Z', '2030-01-07T09:00:00.000Z'],
    ['0 0 0 1 JAN,jul *', '2030-02-01T00:00:00Z', '2030-07-01T00:00:00.000Z'],
    ['0 0 12 29 2 *', '2030-03-01T00:00:00Z', '2032-02-29T12:00:00.000Z'],
    ['0 0 0 13 * 5', '2030-01-01T00:00:00Z', '2030-09-13T00:00:00.000Z'],
  ])('"%s" after %s is %s', (expression, after, expected) => {
    const next = nextOccurrence(parseNcrontab(expression), Date.parse(after));
    expect(new Date(next).toISOString()).toBe(expected);
  });

  it.each([
    ['* * * *', /expected 6 fields/],
    ['61 * * * * *', /second field "61".*outside 0-59/],
    ['0 0 25 * * *', /hour field "25"/],
    ['0 0 0 * * 5-1', /runs backwards/],
    ['0 */0 * * * *', /step "0"/],
  ])('rejects "%s"', (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(message);
  });
});

describe('HTTP route templates', () => {
  it.each([
    ['greet/{name}', 'greet/ada', { name: 'ada' }],
    ['greet/{name}', 'GREET/ada', { name: 'ada' }],
    ['greet/{name}', 'greet', undefined],
    ['greet/{name}/{times?}', 'greet/ada', { name: 'ada' }],
    ['greet/{name}/{times:int?}', 'greet/ada/3', { name: 'ada', times: '3' }],
    ['greet/{name}/{times:int?}', 'greet/ada/three', undefined],
    ['files/{*rest}', 'files/a/b/c.txt', { rest: 'a/b/c.txt' }],
    ['hsms/{hsm}/restore', 'hsms/prod/restore/extra', undefined],
  ])('%s against /%s gives %j', (template, path, expected) => {
    expect(matchRoute(parseRouteTemplate(template), path.split('/'))).toEqual(expected);
  });
});
