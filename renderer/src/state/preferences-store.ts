/**
 * The user's preferences, kept in this browser profile (the desktop app has its own): what exports redact
 * besides the defaults and the config file's list, and whether they redact at all unless told otherwise.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { z } from 'zod';

const preferencesSchema = z.object({
  redactByDefault: z.boolean(),
  redactHeaders: z.array(z.string()),
  redactQueryParams: z.array(z.string()),
  redactJsonPaths: z.array(z.string()),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = {
  redactByDefault: true,
  redactHeaders: [],
  redactQueryParams: [],
  redactJsonPaths: [],
};

export interface PreferencesStore extends Preferences {
  update(change: Partial<Preferences>): void;
}

export const usePreferencesStore = create<PreferencesStore>()(
  persist(
    (set) => ({
      ...DEFAULT_PREFERENCES,
      update: (change) => set(change),
    }),
    {
      name: 'toolscope-preferences',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ redactByDefault, redactHeaders, redactQueryParams, redactJsonPaths }) => ({
        redactByDefault,
        redactHeaders,
        redactQueryParams,
        redactJsonPaths,
      }),
      // What localStorage holds was written by some version of this page, or edited by hand: parsed, not trusted.
      merge: (persisted, current) => {
        const parsed = preferencesSchema.partial().safeParse(persisted);
        return parsed.success ? { ...current, ...parsed.data } : current;
      },
    },
  ),
);
