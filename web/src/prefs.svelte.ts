// The reader's display preferences (Settings panel) as reactive state: the page re-renders its
// text when the language changes, and the panel shows the current theme choice.

import { currentLocale, setLocale } from "./i18n";
import { setThemeChoice, themeChoice, type ThemeChoice } from "./theme";

class Prefs {
  theme = $state<ThemeChoice>(themeChoice());
  locale = $state(currentLocale());

  /** Re-reads what boot code applied (the theme from the URL or storage, the language). */
  sync(): void {
    this.theme = themeChoice();
    this.locale = currentLocale();
  }

  setTheme(choice: ThemeChoice): void {
    setThemeChoice(choice);
    this.theme = themeChoice();
  }

  setLocale(lang: string | null): void {
    setLocale(lang);
    this.locale = currentLocale();
  }
}

export const prefs = new Prefs();
