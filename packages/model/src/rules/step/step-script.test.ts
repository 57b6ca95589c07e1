import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';
import { shellProblem } from './step-script.js';
import { stepActionYaml, taskYaml } from '../task/task-test-helpers.js';

describe('script-missing-shebang', () => {
  it('reports a script without #! at the script', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          script: |
            echo hi
    `);
    expect(only(f, 'SCRIPT_MISSING_SHEBANG')).toEqual([{ code: 'SCRIPT_MISSING_SHEBANG', severity: 'warning', line: 8, column: 15 }]);
  });
  it('accepts a shebang after leading blank lines, in a sidecar too', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          script: "\\n#!/usr/bin/env python3\\nprint(1)"
      sidecars:
        - image: registry.example.com/tool:1.0
          script: "#!/bin/sh\\nsleep 1"
    `);
    expect(only(f, 'SCRIPT_MISSING_SHEBANG')).toEqual([]);
  });
  it('checks StepAction scripts', () => {
    const f = checkYaml(stepActionYaml`
      image: registry.example.com/tool:1.0
      script: echo hi
    `);
    expect(only(f, 'SCRIPT_MISSING_SHEBANG')).toEqual([{ code: 'SCRIPT_MISSING_SHEBANG', severity: 'warning', line: 7, column: 11 }]);
  });
});

describe('#!win', () => {
  it('flags a Windows script as alpha, at the #!win', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          script: |
            #!win pwsh.exe
            Write-Host hi
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 9, column: 9 }]);
  });
  it('does not flag a POSIX script', () => {
    const f = checkYaml(taskYaml`steps: [{image: registry.example.com/tool:1.0, script: "#!/bin/sh\\necho win"}]`);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([]);
  });
});

describe('param-in-script', () => {
  it('reports $(params.x) in a script, at the reference', () => {
    const f = checkYaml(taskYaml`
      params: [{name: url}]
      steps:
        - image: registry.example.com/tool:1.0
          script: |
            #!/bin/sh
            git clone $(params.url) && echo "$(date)"
    `);
    expect(only(f, 'PARAM_IN_SCRIPT')).toEqual([{ code: 'PARAM_IN_SCRIPT', severity: 'warning', line: 11, column: 19 }]);
  });
  it('accepts params passed through env', () => {
    const f = checkYaml(taskYaml`
      params: [{name: url}]
      steps:
        - image: registry.example.com/tool:1.0
          env: [{name: URL, value: $(params.url)}]
          script: |
            #!/bin/sh
            git clone "$URL"
    `);
    expect(only(f, 'PARAM_IN_SCRIPT')).toEqual([]);
  });
});

/** A bash array length, which contains a `#` that is not a comment. */
const ARR_LEN = ['$', '{#arr[@]}'].join('');

describe('script-lint (built-in, off by default)', () => {
  const bad = taskYaml`
    steps:
      - image: registry.example.com/tool:1.0
        script: |
          #!/bin/sh
          echo "unterminated
  `;
  it('is off by default', () => {
    expect(only(checkYaml(bad), 'SCRIPT_LINT')).toEqual([]);
  });
  it('reports an unterminated quote when enabled', () => {
    expect(only(checkYaml(bad, { severities: { SCRIPT_LINT: 'warning' } }), 'SCRIPT_LINT')).toEqual([{ code: 'SCRIPT_LINT', severity: 'warning', line: 8, column: 15 }]);
  });
  it('accepts quotes in comments, here-documents and nested substitutions', () => {
    const ok = taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          script: |
            #!/usr/bin/env bash
            # it's fine
            cat <<'EOF' > x
            don't "worry
            EOF
            echo "$(basename "$PWD")" \\'x ${ARR_LEN}
    `;
    expect(only(checkYaml(ok, { severities: { SCRIPT_LINT: 'warning' } }), 'SCRIPT_LINT')).toEqual([]);
  });
  it('finds unterminated here-documents and CRLF', () => {
    expect(shellProblem('cat <<EOF\nx\n')).toContain('here-document');
    expect(shellProblem('cat <<-EOF\n\tx\n\tEOF\necho ok\n')).toBeUndefined();
    expect(shellProblem('echo a\r\necho b\r\n')).toContain('CRLF');
    expect(shellProblem("echo 'a\n")).toContain('single quote');
  });
});
