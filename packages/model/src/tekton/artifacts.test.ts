import { describe, expect, it } from 'vitest';
import { applyStepArtifacts, artifactValuesJson, mergeArtifacts, parseArtifacts, taskArtifactReplacements } from './artifacts.js';

// examples/v1/taskruns/alpha/produce-consume-artifacts.yaml
const provenance = `{
  "inputs":[{"name":"input-artifacts","values":[{"uri":"pkg:example.github.com/inputs","digest":{"sha256":"b35c"}}]}],
  "outputs":[{"name":"image","buildOutput": true,"values":[{"uri":"pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c","digest":{"sha256":"df85","sha1":"9558"}}]}]
}`;

describe('artifactValuesJson', () => {
  it("writes Go's json.Marshal of []ArtifactValue: digest before uri, digest keys sorted, no spaces, HTML-safe", () => {
    const a = parseArtifacts(provenance);
    expect(artifactValuesJson(a.outputs![0]!.values)).toBe('[{"digest":{"sha1":"9558","sha256":"df85"},"uri":"pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c"}]');
    expect(artifactValuesJson([{ uri: 'a<b>&c' }, {}])).toBe('[{"uri":"a\\u003cb\\u003e\\u0026c"},{}]');
    expect(artifactValuesJson(undefined)).toBe('null');
  });

  it('refuses a provenance.json Go cannot unmarshal', () => {
    expect(() => parseArtifacts('{"outputs":[{"name":"x","values":[{"digest":{"sha256":1}}]}]}')).toThrow(/digest/);
  });
});

describe('mergeArtifacts', () => {
  it('merges by name, drops duplicate values and keeps buildOutput once on', () => {
    const a = parseArtifacts(provenance);
    const b = { outputs: [{ name: 'image', values: [{ uri: 'other' }, ...a.outputs![0]!.values!] }], inputs: [{ name: 'src', values: [{ uri: 'git' }] }] };
    const m = mergeArtifacts(mergeArtifacts(undefined, a), b);
    expect(m.outputs).toEqual([{ name: 'image', buildOutput: true, values: [a.outputs![0]!.values![0], { uri: 'other' }] }]);
    expect(m.inputs!.map((x) => x.name)).toEqual(['input-artifacts', 'src']);
  });
});

describe('artifact references', () => {
  it('replaces $(steps.s.inputs|outputs.a) and leaves a text with an unknown one whole', () => {
    const byStep = new Map([['artifacts-producer', parseArtifacts(provenance)]]);
    expect(applyStepArtifacts('echo $(steps.artifacts-producer.inputs.input-artifacts)', byStep)).toBe('echo [{"digest":{"sha256":"b35c"},"uri":"pkg:example.github.com/inputs"}]');
    expect(applyStepArtifacts('$(steps.artifacts-producer.outputs.image) $(steps.nope.outputs.image)', byStep)).toBeUndefined();
  });

  it('gives tasks.<t>.outputs.<a> and, for the first artifact, tasks.<t>.outputs', () => {
    const r = taskArtifactReplacements(new Map([['produce', parseArtifacts(provenance)]]));
    expect(r.get('tasks.produce.outputs.image')).toBe('[{"digest":{"sha1":"9558","sha256":"df85"},"uri":"pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c"}]');
    expect(r.get('tasks.produce.outputs')).toBe(r.get('tasks.produce.outputs.image'));
    expect(r.get('tasks.produce.inputs')).toBe(r.get('tasks.produce.inputs.input-artifacts'));
  });
});
