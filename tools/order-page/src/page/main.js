/**
 * The Order page in a browser: the record page header and the stripeOrderSync card of its record,
 * with a toast container like Lightning's (toasts stay, so a test or screenshot can read them).
 */
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import StripeOrderSync from 'c/stripeOrderSync';

const TOAST_THEMES = {
  success: 'slds-theme_success',
  error: 'slds-theme_error',
  warning: 'slds-theme_warning',
  info: 'slds-theme_info',
};

function showToast({ variant = 'info', title, message }) {
  const toast = document.createElement('div');
  toast.className = `slds-notify slds-notify_toast ${TOAST_THEMES[variant] ?? TOAST_THEMES.info}`;
  toast.setAttribute('role', 'status');
  toast.dataset.variant = variant;
  const content = document.createElement('div');
  content.className = 'slds-notify__content';
  const heading = document.createElement('h2');
  heading.className = 'slds-text-heading_small';
  heading.textContent = title;
  content.append(heading);
  if (message) {
    const body = document.createElement('p');
    body.textContent = message;
    content.append(body);
  }
  toast.append(content);
  const region = document.getElementById('toasts');
  region.replaceChildren(toast);
}

document.addEventListener('lightning__showtoast', (event) => showToast(event.detail));

const region = document.getElementById('card');
const card = createElement('c-stripe-order-sync', { is: StripeOrderSync });
card.recordId = region.dataset.recordId; // what the record page passes its components
region.append(card);
