/** lightning/platformShowToastEvent: the event Lightning's toast container listens for; the page shows it. */
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
