// A form generated from a JSON schema (the OCPP request schemas): every leaf is an input, enums are
// selects, optional objects/arrays can be added and removed. Errors are shown at their field.
import type { ChangeEvent } from 'react';
import { childPath, HIDDEN_PROPERTIES, initDraft, kindOf, resolve, type Draft, type FieldErrors, type JsonSchema } from './schema.ts';

interface Props {
  schema: JsonSchema;
  root: unknown;
  draft: Draft;
  errors: FieldErrors;
  onChange: (draft: Draft) => void;
  disabled?: boolean;
}

export function SchemaForm({ schema, root, draft, errors, onChange, disabled }: Props) {
  return (
    <fieldset className="schema-form" disabled={disabled}>
      <Node schema={schema} root={root} draft={draft} errors={errors} path="" label="" required onChange={onChange} depth={0} />
      {errors[''] && <FieldError path="" message={errors['']} />}
    </fieldset>
  );
}

interface NodeProps {
  schema: JsonSchema;
  root: unknown;
  draft: Draft;
  errors: FieldErrors;
  path: string;
  label: string;
  required: boolean;
  onChange: (d: Draft) => void;
  depth: number;
}

function FieldError({ path, message }: { path: string; message: string }) {
  return (
    <span className="field-error" role="alert" data-field={path} id={`err-${path}`}>
      {message}
    </span>
  );
}

const inputId = (path: string) => `f-${path || 'root'}`;

function Node({ schema, root, draft, errors, path, label, required, onChange, depth }: NodeProps) {
  const s = resolve(schema, root);
  const k = kindOf(s);
  const error = errors[path];
  const hint = s.description?.trim().split('\n')[0];

  if (k === 'object') {
    if (draft === undefined || typeof draft !== 'object' || Array.isArray(draft)) {
      return (
        <div className="field optional-object">
          <button type="button" className="add" onClick={() => onChange(initDraft(s, root, true))}>
            + {label || 'add'}
          </button>
          {hint && <small className="hint">{hint}</small>}
          {error && <FieldError path={path} message={error} />}
        </div>
      );
    }
    const obj = draft;
    const entries = Object.entries(s.properties ?? {}).filter(([key]) => !HIDDEN_PROPERTIES.has(key));
    const body = entries.map(([key, child]) => (
      <Node
        key={key}
        schema={child}
        root={root}
        draft={obj[key]}
        errors={errors}
        path={childPath(path, key)}
        label={key}
        required={(s.required ?? []).includes(key)}
        onChange={(d) => {
          const next = { ...obj };
          if (d === undefined) delete next[key];
          else next[key] = d;
          onChange(next);
        }}
        depth={depth + 1}
      />
    ));
    if (depth === 0) return <>{body}</>;
    return (
      <div className="field object">
        <div className="object-head">
          <span className="label">
            {label}
            {required && <span className="req">*</span>}
          </span>
          {!required && (
            <button type="button" className="link" onClick={() => onChange(undefined)}>
              remove
            </button>
          )}
        </div>
        <div className="object-body">{body}</div>
        {error && <FieldError path={path} message={error} />}
      </div>
    );
  }

  if (k === 'array') {
    const list = Array.isArray(draft) ? draft : undefined;
    const itemSchema = s.items ?? {};
    return (
      <div className="field array">
        <div className="object-head">
          <span className="label">
            {label}
            {required && <span className="req">*</span>} <small className="muted">list</small>
          </span>
          <button type="button" className="add" onClick={() => onChange([...(list ?? []), initDraft(itemSchema, root, true)])}>
            + item
          </button>
          {list && !required && (
            <button type="button" className="link" onClick={() => onChange(undefined)}>
              remove list
            </button>
          )}
        </div>
        {list?.map((item, i) => (
          <div className="array-item" key={i}>
            <Node
              schema={itemSchema}
              root={root}
              draft={item}
              errors={errors}
              path={childPath(path, i)}
              label={`${label}[${i}]`}
              required
              onChange={(d) => onChange(list.map((x, j) => (j === i ? d : x)))}
              depth={depth + 1}
            />
            <button type="button" className="link" onClick={() => onChange(list.filter((_, j) => j !== i))}>
              remove item {i}
            </button>
          </div>
        ))}
        {error && <FieldError path={path} message={error} />}
      </div>
    );
  }

  const value = typeof draft === 'string' ? draft : '';
  const id = inputId(path);
  const set = (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange(e.target.value);
  const common = {
    id,
    name: path,
    value,
    onChange: set,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `err-${path}` : undefined,
  };
  let input;
  if (s.enum || k === 'boolean') {
    const options = (s.enum ?? ['true', 'false']).map(String);
    input = (
      <select {...common}>
        <option value="">{required ? '— choose —' : '— not set —'}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    const placeholder = k === 'integer' ? 'whole number' : k === 'number' ? 'number' : s.format === 'date-time' ? '2026-01-31T12:00:00Z' : '';
    input = <input type="text" inputMode={k === 'integer' || k === 'number' ? 'decimal' : undefined} placeholder={placeholder} {...common} />;
  }
  return (
    <div className={`field leaf${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span className="req">*</span>} <small className="muted">{k}{s.maxLength !== undefined ? ` ≤${s.maxLength}` : ''}</small>
      </label>
      {input}
      {hint && <small className="hint">{hint}</small>}
      {error && <FieldError path={path} message={error} />}
    </div>
  );
}
