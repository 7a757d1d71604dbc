import type { Locator, Page } from 'playwright-core';

/** Chooses an option of a Mantine Select (a combobox whose list is rendered in a portal). */
export async function pick(page: Page, input: Locator, option: string | RegExp): Promise<void> {
  await input.click();
  await page.getByRole('option', typeof option === 'string' ? { name: option, exact: true } : { name: option }).click();
}
