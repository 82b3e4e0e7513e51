import { useCallback, useMemo, useRef, useState } from "react";
import { ApiError } from "../../api/ApiError";
import type { CefrLevel, Language, ProfileInput, Weekday } from "../../api/partnerTypes";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";
import { type LanguageNames, languageNames } from "./languageNames";
import {
  checkNewInterest,
  draftFromProfile,
  errorKeyForField,
  normaliseInterest,
  type ProfileDraft,
  type ProfileErrors,
  validateDraft,
  type WindowDraft,
} from "./profileDraft";

export type ProfileFormOptions = {
  initial: ProfileInput;
  languages: readonly Language[];
  /** Saves the profile; rejects with an ApiError naming the field at fault, if any. */
  onSave: (input: ProfileInput) => Promise<void>;
};

export type ProfileForm = {
  draft: ProfileDraft;
  /** Messages by field (see ProfileErrors). */
  errors: ProfileErrors;
  /** A refusal that belongs to no field (network, rate limit…). */
  formError: string | null;
  pending: boolean;
  /** True after a save, until the next edit. */
  saved: boolean;
  /** Bumped each time a submit leaves errors, so the form can focus the first one. */
  failedAttempts: number;
  nameOf: LanguageNames;
  /** What is typed in the interests box and not added yet. */
  interestText: string;

  addNative: (code: string) => void;
  removeNative: (code: string) => void;
  addLearning: (code: string) => void;
  removeLearning: (code: string) => void;
  setLevel: (code: string, level: CefrLevel | "") => void;
  setInterestText: (text: string) => void;
  /** Adds what is typed in the interests box (Enter or a comma). */
  commitInterest: () => void;
  removeInterest: (interest: string) => void;
  setTimezone: (zone: string) => void;
  addWindow: () => void;
  changeWindow: (id: number, change: Partial<Omit<WindowDraft, "id">>) => void;
  removeWindow: (id: number) => void;
  setBio: (bio: string) => void;
  setDiscoverable: (discoverable: boolean) => void;
  /** Checks, then saves; resolves to true once saved. */
  submit: () => Promise<boolean>;
};

const NEW_WINDOW = { day: 0 as Weekday, start: "18:00", end: "20:00" };

/** Drops the messages whose key is listed or starts with one of the prefixes. */
function without(errors: ProfileErrors, keys: readonly string[], prefixes: readonly string[] = []) {
  const kept: ProfileErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    if (keys.includes(key) || prefixes.some((prefix) => key.startsWith(prefix))) continue;
    kept[key] = message;
  }
  return kept;
}

/**
 * The view model of the profile form: the draft, the rules' and the server's messages placed on
 * the fields they concern, and saving. ProfileForm renders it.
 */
export function useProfileForm({ initial, languages, onSave }: ProfileFormOptions): ProfileForm {
  const [draft, setDraft] = useState<ProfileDraft>(() => draftFromProfile(initial));
  const [errors, setErrors] = useState<ProfileErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failedAttempts, setFailedAttempts] = useState(0);
  const [interestText, setInterestText] = useState("");
  const nextWindowId = useRef(draft.availability.length + 1);
  const nameOf = useMemo(() => languageNames(languages), [languages]);

  /** Applies an edit, and clears the messages it may have fixed. */
  const edit = useCallback(
    (change: (draft: ProfileDraft) => ProfileDraft, clears: string[], prefixes: string[] = []) => {
      setDraft(change);
      setErrors((current) => without(current, clears, prefixes));
      setFormError(null);
      setSaved(false);
    },
    [],
  );

  function addInterestsFrom(text: string, current: ProfileDraft): ProfileDraft | string {
    let interests = current.interests;
    for (const part of text.split(",")) {
      const interest = normaliseInterest(part);
      if (interest === "" || interests.includes(interest)) continue;
      const problem = checkNewInterest(interests, interest);
      if (problem) return problem;
      interests = [...interests, interest];
    }
    return { ...current, interests };
  }

  function commitInterest() {
    const added = addInterestsFrom(interestText, draft);
    if (typeof added === "string") {
      setErrors((current) => ({ ...current, interests: added }));
      return;
    }
    edit(() => added, ["interests"]);
    setInterestText("");
  }

  async function submit(): Promise<boolean> {
    if (pending) return false;
    // Something typed in the interests box but not added yet is meant to be saved too.
    let current = draft;
    if (interestText.trim() !== "") {
      const added = addInterestsFrom(interestText, draft);
      if (typeof added === "string") {
        setErrors({ interests: added });
        setFailedAttempts((n) => n + 1);
        return false;
      }
      current = added;
      setDraft(added);
      setInterestText("");
    }

    const { errors: found, input } = validateDraft(current, nameOf);
    setErrors(found);
    setFormError(null);
    setSaved(false);
    if (!input) {
      setFailedAttempts((n) => n + 1);
      return false;
    }

    setPending(true);
    try {
      await onSave(input);
      setSaved(true);
      return true;
    } catch (error) {
      const key =
        error instanceof ApiError && error.field !== undefined
          ? errorKeyForField(error.field, current)
          : undefined;
      if (key !== undefined && error instanceof Error) {
        setErrors({ [key]: error.message });
      } else {
        setFormError(describeError(error, { unexpected: UNEXPECTED_ERROR }));
      }
      setFailedAttempts((n) => n + 1);
      return false;
    } finally {
      setPending(false);
    }
  }

  return {
    draft,
    errors,
    formError,
    pending,
    saved,
    failedAttempts,
    nameOf,
    interestText,
    addNative: (code) =>
      edit(
        (d) => (d.native.includes(code) ? d : { ...d, native: [...d.native, code] }),
        ["native"],
      ),
    removeNative: (code) =>
      edit(
        (d) => ({ ...d, native: d.native.filter((c) => c !== code) }),
        ["native"],
        ["learning["],
      ),
    addLearning: (code) =>
      edit(
        (d) =>
          d.learning.some((entry) => entry.language === code)
            ? d
            : { ...d, learning: [...d.learning, { language: code, level: "" }] },
        ["learning"],
      ),
    // Row messages are keyed by position, which shifts: clear them all.
    removeLearning: (code) =>
      edit(
        (d) => ({ ...d, learning: d.learning.filter((entry) => entry.language !== code) }),
        ["learning"],
        ["learning["],
      ),
    setLevel: (code, level) => {
      const index = draft.learning.findIndex((entry) => entry.language === code);
      edit(
        (d) => ({
          ...d,
          learning: d.learning.map((entry) =>
            entry.language === code ? { ...entry, level } : entry,
          ),
        }),
        [`learning[${index}].level`, "learning"],
      );
    },
    setInterestText: (text) => {
      setInterestText(text);
      setErrors((current) => without(current, ["interests"]));
    },
    commitInterest,
    removeInterest: (interest) =>
      edit((d) => ({ ...d, interests: d.interests.filter((i) => i !== interest) }), ["interests"]),
    setTimezone: (timezone) => edit((d) => ({ ...d, timezone }), ["timezone"]),
    addWindow: () => {
      const id = nextWindowId.current++;
      edit(
        (d) => ({ ...d, availability: [...d.availability, { id, ...NEW_WINDOW }] }),
        ["availability"],
      );
    },
    changeWindow: (id, change) => {
      const index = draft.availability.findIndex((window) => window.id === id);
      edit(
        (d) => ({
          ...d,
          availability: d.availability.map((window) =>
            window.id === id ? { ...window, ...change } : window,
          ),
        }),
        [`availability[${index}]`, "availability"],
      );
    },
    removeWindow: (id) =>
      edit(
        (d) => ({ ...d, availability: d.availability.filter((window) => window.id !== id) }),
        ["availability"],
        ["availability["],
      ),
    setBio: (bio) => edit((d) => ({ ...d, bio }), ["bio"]),
    setDiscoverable: (discoverable) => edit((d) => ({ ...d, discoverable }), ["discoverable"]),
    submit,
  };
}
