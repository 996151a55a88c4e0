/** torch.autograd: grad, backward, and the gradcheck utility. */
export { backward, grad } from './grad.js';
export { gradcheck } from './gradcheck.js';
