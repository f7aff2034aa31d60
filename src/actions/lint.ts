import { runAction } from './kit/runtime.js';
import { main } from './lint/main.js';

runAction(main);
