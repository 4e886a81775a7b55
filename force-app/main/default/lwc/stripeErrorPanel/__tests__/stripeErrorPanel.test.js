import { createElement } from 'lwc';
import StripeErrorPanel from 'c/stripeErrorPanel';

import previewWithProblems from '../../stripeBillingPreview/__tests__/data/previewWithProblems.json';

function mount(problems, heading = 'Sync failed') {
  const element = createElement('c-stripe-error-panel', { is: StripeErrorPanel });
  element.heading = heading;
  element.problems = problems;
  document.body.appendChild(element);
  return element;
}

const all = (element, id) => [...element.shadowRoot.querySelectorAll(`[data-id="${id}"]`)];

describe('c-stripe-error-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows the heading and each problem with its message, fix and documentation link, as an alert', async () => {
    const element = mount(previewWithProblems.problems, 'Problems that would stop the sync');
    expect(element.shadowRoot.querySelector('h3').textContent).toBe('Problems that would stop the sync');
    expect(element.shadowRoot.querySelector('[role="alert"]')).not.toBeNull();
    expect(all(element, 'problem-message').map((p) => p.textContent)).toEqual(
      previewWithProblems.problems.map((p) => p.message),
    );
    expect(all(element, 'problem-fix').map((p) => p.textContent)).toEqual(
      previewWithProblems.problems.map((p) => `c.StripeOrderSync_Fix: ${p.fix}`),
    );
    expect(all(element, 'problem-doc-link').map((a) => a.href)).toEqual(
      previewWithProblems.problems.filter((p) => p.documentationLink).map((p) => p.documentationLink),
    );
    await expect(element).toBeAccessible();
  });

  it('leaves out a fix and a link the problem does not have', async () => {
    const element = mount([{ message: 'Stripe is unavailable.', fix: null, documentationLink: null }]);
    expect(all(element, 'problem-message').map((p) => p.textContent)).toEqual(['Stripe is unavailable.']);
    expect(all(element, 'problem-fix')).toEqual([]);
    expect(all(element, 'problem-doc-link')).toEqual([]);
    await expect(element).toBeAccessible();
  });
});
