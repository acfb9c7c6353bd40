import { at, byKind, parseBicep, BicepExpression } from './bicepModel';

describe('the Bicep reader the deployment tests use', () => {
  it('reports a syntax error with its line and column', async () => {
    const file = await parseBicep('broken.bicep', 'param x int =\nresource r = {\n');
    expect(file.syntaxErrors.length).toBeGreaterThan(0);
    expect(file.syntaxErrors[0]).toMatch(/^\d+:\d+ /);
  });

  it('reads decorators, defaults and escaped strings', async () => {
    const file = await parseBicep(
      'params.bicep',
      "@description('the app\\'s name')\n@minValue(2)\nparam count int = 3\n",
    );
    const count = byKind(file, 'param').get('count');
    expect(count?.decorators.get('description')).toEqual(["the app's name"]);
    expect(count?.decorators.get('minValue')).toEqual([2]);
    expect(count?.value).toBe(3);
  });

  it('reads a conditional resource: its type, condition and body', async () => {
    const file = await parseBicep(
      'resource.bicep',
      [
        'param on bool',
        "resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (on) {",
        "  name: 'x-${on}'",
        "  properties: { level: 'CanNotDelete', list: [ 1\n 2 ] }",
        '}',
      ].join('\n'),
    );
    const lock = byKind(file, 'resource').get('lock');
    expect(lock?.target).toBe('Microsoft.Authorization/locks@2020-05-01');
    expect(lock?.condition).toBe('(on)');
    expect(at(lock?.value, 'properties')).toEqual({ level: 'CanNotDelete', list: [1, 2] });
    expect(at(lock?.value, 'name')).toEqual(new BicepExpression("'x-${on}'"));
  });

  it(
    'counts loop variables and lambda parameters as declared, and reports a name nothing ' +
      'declares',
    async () => {
      const file = await parseBicep(
        'names.bicep',
        [
          'var items = []',
          'var a = [for (item, index) in items: { n: item.name, i: index }]',
          'var b = map(items, one => one.name)',
          'var c = reduce(items, 0, (sum, next) => sum + next)',
          'var d = [for entry in items: entry]',
          'var e = undeclaredThing',
        ].join('\n'),
      );
      expect(file.syntaxErrors).toEqual([]);
      expect(file.unresolvedIdentifiers).toEqual(['undeclaredThing']);
    },
  );
});
