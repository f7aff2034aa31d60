import { runAction } from './kit/runtime.js';
import { main, post } from './setup/run.js';

runAction(main, post);
