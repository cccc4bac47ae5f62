import { useState } from "react";

/**
 * A form's typed values and their problems. Problems show once a send was tried, then follow
 * every keystroke, so a field clears as soon as it is right.
 */
export function useDraft<D extends object, E extends object>(initial: D, check: (draft: D) => E) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<E>({} as E);
  const [tried, setTried] = useState(false);

  const edit = (change: Partial<D>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    if (tried) setErrors(check(next));
  };

  /**
   * Check the draft as it is; true when nothing stands in the way of sending it. Otherwise the
   * first field of `form` with a problem takes the focus, once it is marked.
   */
  const attempt = (form?: HTMLFormElement): boolean => {
    setTried(true);
    const found = check(draft);
    setErrors(found);
    const ok = Object.keys(found).length === 0;
    if (!ok && form) {
      requestAnimationFrame(() =>
        form.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(),
      );
    }
    return ok;
  };

  return { draft, errors, setErrors, edit, attempt };
}
